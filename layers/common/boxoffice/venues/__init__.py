"""Venues: the cinemas of a chain, each with its time zone, business day, currency and tax rates."""

# The venue every hall made before venues existed belongs to, made from the stack's Default* parameters.
DEFAULT_VENUE_ID = "main"
