"""Counts each sale, hold, refund and check-in into the reports' aggregates, once (boxoffice.events.reports)."""

from boxoffice.events import reports
from boxoffice.events.consumer import consumer_handler

lambda_handler = consumer_handler(lambda detail_type, detail: reports.apply(detail["event_id"], detail_type, detail))
