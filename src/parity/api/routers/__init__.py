"""One router per area, all under /api/v1."""
