"""`make bench`: what a booking costs, how fast it is, and how far from the limit."""
