"""Office hours of the advisers: parsed from OVERSTAP_OFFICE_HOURS, checked in Europe/Amsterdam.

Format: one or more blocks separated by ";", each "days hh:mm-hh:mm", days as a range or a
list of Dutch two-letter names: "ma-vr 09:00-17:00", "ma,wo,vr 09:00-12:30; di 13:00-17:00".

With `holidays` (OVERSTAP_OFFICE_HOLIDAYS, on by default) the office is closed on the Dutch
public holidays as the `holidays` package lists them (Nieuwjaarsdag, Pasen, Koningsdag,
Hemelvaart, Pinksteren, Kerst), except Goede Vrijdag, which is a working day for most offices.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays as public_holidays
import yaml

from bot.errors import ConfigError

TIMEZONE = ZoneInfo("Europe/Amsterdam")
DAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")  # the setting's syntax, Monday first
WORKING_HOLIDAYS = frozenset({"Goede Vrijdag"})
TEXTS_FILE = Path(__file__).resolve().with_name("office_hours.yml")
BLOCK = re.compile(r"^([a-z,\- ]+?)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class Block:
    days: tuple[int, ...]  # 0 = Monday
    start: dt.time
    end: dt.time


@cache
def texts() -> dict:
    """The Dutch words of office_hours.yml: day names and the phrases of `describe`."""
    data = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or len(data.get("days") or []) != len(DAYS):
        raise ConfigError(f"{TEXTS_FILE}: verwacht days met zeven namen en de zinnen.")
    return data


@lru_cache(maxsize=8)
def _dutch_holidays(year: int) -> dict[dt.date, str]:
    found = public_holidays.country_holidays("NL", years=year, language="nl")
    return {day: name for day, name in found.items() if name not in WORKING_HOLIDAYS}


def holiday(day: dt.date) -> str | None:
    """The Dutch name of the public holiday on `day`, if the office is closed for it."""
    return _dutch_holidays(day.year).get(day)


@dataclass(frozen=True)
class OfficeHours:
    blocks: tuple[Block, ...]
    source: str
    holidays: bool = False

    @classmethod
    def parse(cls, raw: str, holidays: bool = False) -> OfficeHours:
        text = raw.strip().lower()
        if not text:
            raise ConfigError("OVERSTAP_OFFICE_HOURS is leeg. Voorbeeld: ma-vr 09:00-17:00")
        blocks = []
        for part in (p.strip() for p in text.split(";")):
            if not part:
                continue
            match = BLOCK.match(part)
            if not match:
                raise ConfigError(
                    f"OVERSTAP_OFFICE_HOURS: {part!r} begrijp ik niet. Voorbeeld: ma-vr 09:00-17:00"
                )
            days = _days(match.group(1))
            try:
                start = dt.time(int(match.group(2)), int(match.group(3)))
                end = dt.time(int(match.group(4)), int(match.group(5)))
            except ValueError:
                raise ConfigError(
                    f"OVERSTAP_OFFICE_HOURS: {part!r} heeft een foute tijd."
                ) from None
            if end <= start:
                raise ConfigError(f"OVERSTAP_OFFICE_HOURS: in {part!r} is het eind voor het begin.")
            blocks.append(Block(days, start, end))
        return cls(tuple(blocks), raw.strip(), holidays)

    def is_open(self, when: dt.datetime | None = None) -> bool:
        local = (when or dt.datetime.now(dt.timezone.utc)).astimezone(TIMEZONE)
        if self.holiday_on(local):
            return False
        now = local.time()
        return any(local.weekday() in b.days and b.start <= now < b.end for b in self.blocks)

    def holiday_on(self, when: dt.datetime | None = None) -> str | None:
        """The public holiday the office is closed for at `when` (Amsterdam time), if any."""
        if not self.holidays:
            return None
        return holiday((when or dt.datetime.now(dt.timezone.utc)).astimezone(TIMEZONE).date())

    def describe(self) -> str:
        """Dutch, for the person: 'van maandag tot en met vrijdag, van 9:00 tot 17:00 uur'."""
        words = texts()
        parts = [
            words["block"].format(
                days=_describe_days(block.days), start=_clock(block.start), end=_clock(block.end)
            )
            for block in self.blocks
        ]
        text = f" {words['and']} ".join(parts)
        return f"{text}, {words['holidays']}" if self.holidays else text


def _days(spec: str) -> tuple[int, ...]:
    found: list[int] = []
    for item in (i.strip() for i in spec.split(",")):
        if "-" in item:
            first, last = (d.strip() for d in item.split("-", 1))
            if first not in DAYS or last not in DAYS:
                raise ConfigError(
                    f"OVERSTAP_OFFICE_HOURS: {item!r}: gebruik ma, di, wo, do, vr, za, zo."
                )
            a, b = DAYS.index(first), DAYS.index(last)
            if b < a:
                raise ConfigError(f"OVERSTAP_OFFICE_HOURS: {item!r} loopt achteruit.")
            found += range(a, b + 1)
        elif item in DAYS:
            found.append(DAYS.index(item))
        else:
            raise ConfigError(
                f"OVERSTAP_OFFICE_HOURS: {item!r}: gebruik ma, di, wo, do, vr, za, zo."
            )
    return tuple(sorted(set(found)))


def _describe_days(days: tuple[int, ...]) -> str:
    words = texts()
    names = [words["days"][d] for d in days]
    if len(days) > 2 and list(days) == list(range(days[0], days[-1] + 1)):
        return words["day_range"].format(first=names[0], last=names[-1])
    if len(names) == 1:
        return words["day_list"].format(days=names[0])
    listed = ", ".join(names[:-1]) + f" {words['and']} " + names[-1]
    return words["day_list"].format(days=listed)


def _clock(value: dt.time) -> str:
    return f"{value.hour}:{value.minute:02d}"
