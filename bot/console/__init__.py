"""The advisor console's logic: accounts, audit log, transcripts, review data, statistics.

The web routes are in bot/web/console/; this package has no web code, so the CLI and the
tests use the same functions.
"""
