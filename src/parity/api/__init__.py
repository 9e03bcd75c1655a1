"""The REST API (FastAPI): `create_app(services, settings)`; the shared authentication dependency is in
`parity.api.security`."""

from parity.api.app import API_PREFIX, create_app

__all__ = ["API_PREFIX", "create_app"]
