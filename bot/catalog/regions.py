"""Where a course is given, as one number: the course search's region filter without a look-up.

A region filter (a province, or a distance around a point) used to look up each candidate's
places in `course_locations`: about 0.6 ms for every 40 courses a list of the search gave, the
largest part of a search with filters. `courses.regions` and `search_postings.regions` now hold
a bit mask of the course's places: its provinces, and cells of a grid over the Netherlands of
half a degree (about 55 by 35 km). A province filter is then a bit test; a distance filter tests
the cells its box touches first and looks up the places only of courses in those cells.

bot.catalog.index keeps the masks in step with the places on every flush.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

# data/lexicon/places.yml's province ids; a province not in this list sets OTHER_PROVINCE.
PROVINCES = (
    "groningen", "friesland", "drenthe", "overijssel", "flevoland", "gelderland", "utrecht",
    "noord-holland", "zuid-holland", "zeeland", "noord-brabant", "limburg",
)  # fmt: skip
OTHER_PROVINCE = 1 << len(PROVINCES)
# The grid: rows of half a degree of latitude from LAT0, columns of half a degree of longitude
# from LON0; a place outside it (or in a cell past the last) sets OUTSIDE.
LAT0, LON0, STEP = 50.75, 3.25, 0.5
ROWS, COLUMNS = 6, 8
FIRST_CELL = len(PROVINCES) + 1
OUTSIDE = 1 << (FIRST_CELL + ROWS * COLUMNS)  # bit 61: the mask fits a signed 64-bit integer
assert FIRST_CELL + ROWS * COLUMNS < 63


def province_bit(province: str | None) -> int:
    if province in PROVINCES:
        return 1 << PROVINCES.index(province)
    return OTHER_PROVINCE if province else 0


def _cell(lat: float, lon: float) -> int | None:
    row, column = math.floor((lat - LAT0) / STEP), math.floor((lon - LON0) / STEP)
    if 0 <= row < ROWS and 0 <= column < COLUMNS:
        return row * COLUMNS + column
    return None


def cell_bit(lat: float | None, lon: float | None) -> int:
    """The grid cell of a place with coordinates; none without (a distance never finds it)."""
    if lat is None or lon is None:
        return 0
    cell = _cell(lat, lon)
    return OUTSIDE if cell is None else 1 << (FIRST_CELL + cell)


def mask(places: Iterable[Any]) -> int:
    """The mask of a course's places (objects or mappings with province, lat and lon)."""
    value = 0
    for place in places:
        get = place.get if isinstance(place, Mapping) else lambda n, p=place: getattr(p, n)
        value |= province_bit(get("province")) | cell_bit(get("lat"), get("lon"))
    return value


def box_mask(lat0: float, lat1: float, lon0: float, lon1: float) -> int:
    """Every cell a box touches, and OUTSIDE (a place outside the grid may lie in the box)."""
    value = OUTSIDE
    for row in range(ROWS):
        for column in range(COLUMNS):
            south, west = LAT0 + row * STEP, LON0 + column * STEP
            if south <= lat1 and lat0 < south + STEP and west <= lon1 and lon0 < west + STEP:
                value |= 1 << (FIRST_CELL + row * COLUMNS + column)
    return value
