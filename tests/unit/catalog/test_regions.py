"""The region mask of a course's places: a province is one bit, a place one grid cell, and a
distance's box never misses the cell of a place inside it."""

from __future__ import annotations

import random

from bot.catalog import regions


def test_every_province_has_its_own_bit() -> None:
    bits = [regions.province_bit(p) for p in regions.PROVINCES]
    assert len(set(bits)) == 12 and all(b and b & (b - 1) == 0 for b in bits)
    assert regions.province_bit("buitenland") == regions.OTHER_PROVINCE
    assert regions.province_bit(None) == 0


def test_a_place_sets_its_province_and_its_cell() -> None:
    utrecht = {"province": "utrecht", "lat": 52.0907, "lon": 5.1214}
    value = regions.mask([utrecht])
    assert value & regions.province_bit("utrecht")
    assert value.bit_count() == 2 and value == regions.province_bit("utrecht") | regions.cell_bit(
        52.0907, 5.1214
    )
    assert regions.cell_bit(None, None) == 0  # no coordinates: a distance never finds it
    assert regions.cell_bit(40.0, 5.0) == regions.OUTSIDE
    assert regions.mask([]) == 0
    assert regions.OUTSIDE < 2**63  # fits PostgreSQL's BIGINT and SQLite's integer


def test_a_box_holds_the_cell_of_every_place_inside_it() -> None:
    rng = random.Random(7)
    for _ in range(5000):
        lat, lon = rng.uniform(50.0, 54.2), rng.uniform(2.8, 7.8)
        dlat, dlon = rng.uniform(0.01, 0.6), rng.uniform(0.01, 0.9)
        box = regions.box_mask(lat - dlat, lat + dlat, lon - dlon, lon + dlon)
        inside = (rng.uniform(lat - dlat, lat + dlat), rng.uniform(lon - dlon, lon + dlon))
        edge = (lat + dlat, lon - dlon)  # the box's own corner counts (BETWEEN)
        for place in (inside, edge):
            assert regions.cell_bit(*place) & box
    far = regions.box_mask(53.3, 53.5, 6.8, 7.0)  # around Delfzijl: not Maastricht's cell
    assert not regions.cell_bit(50.85, 5.69) & far
