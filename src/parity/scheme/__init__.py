"""Policy as data: the scheme file format, its validation and the bundled schemes."""

from parity.scheme.loader import SchemeError, bundled_scheme_ids, load_scheme, parse_scheme
from parity.scheme.model import Duration, DurationUnit, Scheme

__all__ = ["Duration", "DurationUnit", "Scheme", "SchemeError", "bundled_scheme_ids", "load_scheme", "parse_scheme"]
