"""Writes of the API app: tokens (tokens.py) and webhooks (webhooks.py)."""
