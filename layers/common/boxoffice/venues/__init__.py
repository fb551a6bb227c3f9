"""Venues: the cinemas of a chain, each with its time zone, business day, currency and tax rates."""
