"""Makes each event's webhook deliveries and tries them at once (boxoffice.events.webhooks)."""

from boxoffice.events import webhooks
from boxoffice.events.consumer import consumer_handler

lambda_handler = consumer_handler(webhooks.fan_out)
