"""`overstap catalog verify`: every scheme has a source, a known status and a recent check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.catalog.loader import SCHEME_STATUSES
from bot.catalog.models import Scheme


@dataclass(frozen=True)
class Problem:
    scheme_id: str
    message: str  # Dutch, shown to whoever maintains the catalog
    fatal: bool = True


def verify(schemes: list[Scheme], today: dt.date, max_age_days: int) -> list[Problem]:
    problems: list[Problem] = []
    for scheme in schemes:
        if not [s for s in scheme.sources or [] if str(s).startswith(("http://", "https://"))]:
            problems.append(Problem(scheme.id, "heeft geen bron (URL)"))
        if scheme.status not in SCHEME_STATUSES:
            problems.append(Problem(scheme.id, f"heeft een onbekende status: {scheme.status!r}"))
        if scheme.last_verified is None:
            problems.append(Problem(scheme.id, "heeft geen datum van laatste controle"))
        elif (today - scheme.last_verified).days > max_age_days:
            age = (today - scheme.last_verified).days
            problems.append(
                Problem(scheme.id, f"is {age} dagen niet gecontroleerd (maximaal {max_age_days})")
            )
        if scheme.status != "beeindigd" and scheme.valid_until and scheme.valid_until <= today:
            problems.append(
                Problem(
                    scheme.id,
                    f"einddatum {scheme.valid_until.isoformat()} is voorbij maar de status is "
                    f"{scheme.status!r}; de bot behandelt hem als beëindigd",
                    fatal=False,
                )
            )
    return problems
