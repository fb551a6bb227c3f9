"""Boxoffice: the shared layer every function imports (settings, models, domain logic, auth, HTTP)."""
