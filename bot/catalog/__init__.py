"""The catalog: courses and schemes, search, eligibility, the seed loader and importers."""

# Registers the flush listeners that keep the course search fields and term dictionary current.
from bot.catalog import index as _index  # noqa: F401
