"""The catalog: movies, members and their subscriptions, halls, screenings."""
