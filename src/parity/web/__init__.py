"""The web interface: server-rendered GOV.UK pages in English and French over the services (see docs/web.md)."""

from parity.web.app import add_web_interface, create_web_app

__all__ = ["add_web_interface", "create_web_app"]
