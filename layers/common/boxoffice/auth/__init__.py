"""Accounts, passwords, tokens and the authorizer's verification."""
