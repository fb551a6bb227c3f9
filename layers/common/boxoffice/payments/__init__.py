"""Payments: charging once with the confirmation id, tickets, refunds, and the provider behind them."""
