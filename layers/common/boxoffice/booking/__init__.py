"""Booking: exclusive timed holds on chairs, orders, cancelling, and the expiry sweeper."""
