"""Counts which movies buyers and members choose together (boxoffice.events.recommendations)."""

from boxoffice.events import recommendations
from boxoffice.events.consumer import consumer_handler

lambda_handler = consumer_handler(
    lambda detail_type, detail: recommendations.apply(detail["event_id"], detail_type, detail)
)
