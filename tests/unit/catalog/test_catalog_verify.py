"""`overstap catalog verify` fails on a scheme without source, with an odd status, or unchecked too long."""

import datetime as dt

from bot.catalog.models import Scheme
from bot.catalog.verify import verify
from bot.cli import main

TODAY = dt.date(2026, 11, 23)


def scheme(**kw) -> Scheme:
    base = dict(
        id="x", name="X", runner="R", type="subsidie", applicant="persoon", status="actief",
        conditions={}, explanation_b1="Uitleg.", last_verified=TODAY, replaced_by=[],
        sources=["https://example.org/bron"],
    )  # fmt: skip
    base.update(kw)
    return Scheme(**base)


def test_a_good_scheme_passes() -> None:
    assert verify([scheme()], TODAY, 180) == []


def test_problems_are_named_in_dutch() -> None:
    problems = verify(
        [
            scheme(id="a", sources=[]),
            scheme(id="b", status="misschien"),
            scheme(id="c", last_verified=TODAY - dt.timedelta(days=400)),
            scheme(id="d", valid_until=dt.date(2025, 1, 1)),
        ],
        TODAY,
        180,
    )
    by_id = {p.scheme_id: p for p in problems}
    assert "geen bron" in by_id["a"].message and by_id["a"].fatal
    assert "onbekende status" in by_id["b"].message
    assert "400 dagen" in by_id["c"].message
    assert not by_id["d"].fatal and "beëindigd" in by_id["d"].message


def test_the_command_on_the_seed_catalog(settings, capsys, monkeypatch) -> None:
    monkeypatch.setenv("OVERSTAP_VAR_DIR", str(settings.var_dir))
    monkeypatch.setenv("OVERSTAP_CATALOG_MAX_AGE_DAYS", "3650")  # the shipped DUO snapshot's age
    assert main(["catalog", "load"]) == 0
    assert main(["catalog", "verify", "--max-age-days", "3650"]) == 0
    assert "0 fouten" in capsys.readouterr().out
    # The seed was checked on 2026-11-20; with a maximum of one day it is too old.
    assert main(["catalog", "verify", "--max-age-days", "1"]) == 1
    assert "niet gecontroleerd" in capsys.readouterr().out
