"""Export of conversations for review: CSV (one row per turn) and JSON (one object each).

Everything is data, never markup. CSV cells that a spreadsheet would read as a formula
(starting with = + - @, or a tab or carriage return) get a leading quote (OWASP CSV injection).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.console.transcripts import Turn

CSV_COLUMNS = ("gesprek", "nummer", "tijd", "wie", "naam", "tekst", "intent", "zekerheid")
WHO = {"person": "persoon", "bot": "bot", "advisor": "adviseur", "system": "systeem"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(conversations: Iterable[tuple[str, Sequence[Turn]]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for conversation_id, turns in conversations:
        for turn in turns:
            if turn.kind not in WHO:
                continue
            writer.writerow(
                [
                    safe_cell(v)
                    for v in (
                        conversation_id,
                        turn.index,
                        turn.as_dict()["time"],
                        WHO[turn.kind],
                        turn.name or "",
                        turn.text,
                        turn.intent or "",
                        "" if turn.confidence is None else f"{turn.confidence:.2f}",
                    )
                ]
            )
    # A BOM so that Excel opens the UTF-8 file with the right letters.
    return "\ufeff" + out.getvalue()


def to_json(conversations: Iterable[tuple[str, Sequence[Turn], Mapping[str, Any]]]) -> str:
    items = []
    for conversation_id, turns, extra in conversations:
        items.append(
            {
                "conversation_id": conversation_id,
                **extra,
                "turns": [
                    {k: v for k, v in t.as_dict().items() if k != "value"}
                    for t in turns
                    if t.kind in WHO
                ],
            }
        )
    return json.dumps({"conversations": items}, ensure_ascii=False, indent=2)
