"""Handoff to a human adviser: the summary of what the bot learned."""
