"""The catalog: courses, schemes, search, eligibility, handoff requests."""

# Registers the flush listeners that keep the course search fields and term dictionary current.
from bot.catalog import index as _index  # noqa: F401
