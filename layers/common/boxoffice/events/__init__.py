"""Domain events from committed changes, and what is derived from them."""
