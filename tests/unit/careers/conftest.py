"""Fixtures for the work-to-work tests: the real ESCO copy in data/careers/ and its download."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.careers.data import CareersData
from bot.careers.service import Careers, default_careers

ROOT = Path(__file__).resolve().parents[3]
# The ESCO download the data was built from: ../shared/data/esco beside the project (the
# worktrees sit one level deeper), or OVERSTAP_TEST_ESCO_DIR.
ESCO_DIRS = [
    Path(os.environ["OVERSTAP_TEST_ESCO_DIR"])
    if os.environ.get("OVERSTAP_TEST_ESCO_DIR")
    else None,
    ROOT.parent / "shared" / "data" / "esco",
    ROOT.parent.parent / "shared" / "data" / "esco",
]


@pytest.fixture(scope="session")
def esco_download() -> Path:
    for path in ESCO_DIRS:
        if path is not None and (path / "occupations_nl.csv.gz").exists():
            return path
    pytest.skip("the ESCO download (../shared/data/esco) is not on this machine")


@pytest.fixture(scope="session")
def careers() -> Careers:
    return default_careers()


@pytest.fixture(scope="session")
def data(careers: Careers) -> CareersData:
    return careers.data


@pytest.fixture(scope="session")
def by_label(data: CareersData):
    """An ESCO occupation by its Dutch preferred label."""
    labels = {}
    for occupation in data.occupations:
        labels.setdefault(occupation.label, occupation)

    def get(label: str):
        assert label in labels, f"no ESCO occupation labelled {label!r}"
        return labels[label]

    return get
