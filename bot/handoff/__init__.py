"""Handoff to a human adviser: requests and call-backs, the summary, the live takeover."""
