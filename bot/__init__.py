"""Overstap: a Dutch career-guidance assistant for Leven Lang Ontwikkelen."""

__version__ = "0.1.0"
