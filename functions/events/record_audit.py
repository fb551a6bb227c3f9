"""Keeps an audit entry for every staff action and sign-in the bus carries (boxoffice.events.audit)."""

from boxoffice.events import audit
from boxoffice.events.consumer import consumer_handler

lambda_handler = consumer_handler(audit.record)
