"""Looking for a conversation, or a piece of personal data, in every table of a database.

The tables are listed by SQLAlchemy's inspection, not from the code, so a table someone adds
later is searched too.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import MetaData, Table, inspect, select
from sqlalchemy.engine import Engine


def rows_holding(engine: Engine, needles: Iterable[str], skip: Iterable[str] = ()) -> dict:
    """{table: [needle, ...]} for every row in which a needle occurs in any column's text."""
    wanted = [n.lower() for n in needles if n]
    skipped = set(skip)
    found: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for name in inspect(conn).get_table_names():
            if name in skipped:
                continue
            table = Table(name, MetaData(), autoload_with=conn)
            for row in conn.execute(select(table)):
                text = " ".join(str(value) for value in row).lower()
                # Rasa stores JSON with non-ASCII escaped; compare the escaped form as well.
                hits = [n for n in wanted if n in text or _escaped(n) in text]
                if hits:
                    found.setdefault(name, []).extend(hits)
    return found


def _escaped(needle: str) -> str:
    import json

    return json.dumps(needle)[1:-1].lower()


def table_names(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(inspect(conn).get_table_names())


def rows_in_databases(var_dir: Path, needles: Iterable[str]) -> dict:
    """`rows_holding` over every SQLite database under a stack's var/, as "file:table"."""
    from sqlalchemy import create_engine

    found = {}
    for path in sorted(Path(var_dir).glob("*.db")):
        engine = create_engine(f"sqlite:///{path}")
        try:
            for table, hits in rows_holding(engine, needles).items():
                found[f"{path.name}:{table}"] = hits
        finally:
            engine.dispose()
    return found


def number_in_message_ids(phone: str) -> str:
    """How a phone number shows in Meta's message ids (wamid), to search for it there.

    A wamid is "wamid." and the base64 of a record that holds the number's digits after a
    three-byte head: the example "wamid.HBgLMzE2MTIzNDU2NzgVAgAR..." is b"\\x1c\\x18\\x0b" +
    b"31612345678" + b"\\x15\\x02\\x00\\x11...". The digits start on a three-byte boundary, so
    the base64 of their whole three-byte groups is in the id whatever follows them.
    """
    import base64

    digits = "".join(c for c in phone if c.isdigit()).encode()
    return base64.b64encode(digits[: len(digits) - len(digits) % 3]).decode()
