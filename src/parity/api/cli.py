"""`parity serve`: the API and the web interface, one app, on uvicorn."""

from __future__ import annotations

import copy
from typing import Annotated, Any

import typer
from rich.console import Console

from parity.config import Settings

console = Console()


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on")] = 8000,
    access_log: Annotated[bool, typer.Option(help="Log each request line (paths carry record ids only)")] = False,
) -> None:
    """Start the web interface and the REST API (OpenAPI document at /openapi.json, interactive docs at /docs)."""
    run_server(Settings.from_environment(), host, port, access_log=access_log)


def run_server(settings: Settings, host: str, port: int, *, access_log: bool = False) -> None:
    import uvicorn

    from parity.bootstrap import build_services
    from parity.web import create_web_app

    app = create_web_app(build_services(settings), settings)
    console.print(
        f"Parity on http://{host}:{port}/ (sign in there); API at http://{host}:{port}/api/v1, "
        f"OpenAPI at http://{host}:{port}/openapi.json"
    )
    if settings.cookie_secure:
        console.print(
            "Session cookies are Secure: browsers send them over HTTPS only. Put TLS in front, or set "
            "PARITY_COOKIE_SECURE=0 for plain HTTP on this machine."
        )
    uvicorn.run(app, host=host, port=port, access_log=access_log, log_level="info", log_config=_log_config())


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, with Parity's own loggers (the scheme's clock) on its console handler."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["parity"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config
