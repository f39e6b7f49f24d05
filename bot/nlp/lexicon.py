"""The Dutch lexicon (sectors, occupations, levels, places, answers) and matching against it.

One source for three users: the spaCy entity ruler is built from it, the form validation
maps free-text answers to canonical values with it, and the summary shows its labels.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT

LEXICON_DIR = PROJECT_ROOT / "data" / "lexicon"
# Word lists the code reads messages with; not part of the entity ruler (see pipeline.py).
WORDS_FILE = LEXICON_DIR / "words.yml"

# PyYAML's safe loader in C when libyaml is there: the same data, read 9x faster.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Entity labels the ruler emits; they are also Rasa entity names in the domain.
RULER_KINDS = ("sector", "occupation", "education_level", "place", "province", "scheme")


def normalize(text: str) -> str:
    """Lowercase, strip accents and punctuation noise, collapse spaces."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("\u2019", "'").replace("`", "'")
    text = re.sub(r"[^\w'&+\- ]+", " ", text)
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)  # "mbo-2" stays, "noord-holland" -> spaced
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Entry:
    """One thing the lexicon knows: a canonical id, a Dutch label and the ways people write it."""

    kind: str
    id: str
    label: str
    terms: tuple[str, ...]
    misspellings: tuple[str, ...] = ()
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def _damerau(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance, giving up early past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def max_typos(term: str) -> int:
    """How many edits a word may have and still count: none for short words."""
    n = len(term.replace(" ", ""))
    if n < 5:
        return 0
    if n < 9:
        return 1
    return 2


class Lexicon:
    """Loaded lexicon with lookups by kind; build with `Lexicon.load()`."""

    def __init__(
        self, entries: list[Entry], postcode_ranges: list[dict], postcode_areas: list[dict]
    ):
        self.entries = entries
        self.postcode_ranges = sorted(postcode_ranges, key=lambda r: r["from"])
        self.postcode_areas = {str(a["prefix"]): a for a in postcode_areas}
        self.by_kind: dict[str, list[Entry]] = {}
        self._index: dict[str, dict[str, Entry]] = {}
        for entry in entries:
            self.by_kind.setdefault(entry.kind, []).append(entry)
            index = self._index.setdefault(entry.kind, {})
            for term in (*entry.terms, *entry.misspellings, entry.id, entry.label):
                index.setdefault(normalize(term), entry)
        self._ids = {(e.kind, e.id): e for e in entries}
        self.dont_know: tuple[str, ...] = ()
        self.skip: tuple[str, ...] = ()
        self.number_words: dict[str, int] = {}

    # -- loading ---------------------------------------------------------------------------

    @classmethod
    def load(cls, directory: Path = LEXICON_DIR) -> Lexicon:
        def read(name: str) -> dict:
            path = directory / name
            text = path.read_text(encoding="utf-8") if path.exists() else "{}"
            return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506

        entries: list[Entry] = []

        def add(kind: str, records: list[dict], label_key: str = "label") -> None:
            for rec in records or []:
                entries.append(
                    Entry(
                        kind=kind,
                        id=str(rec.get("id") or rec.get("name")),
                        label=str(rec.get(label_key) or rec.get("name") or rec.get("id")),
                        terms=tuple(str(t) for t in rec.get("terms") or []),
                        misspellings=tuple(str(t) for t in rec.get("misspellings") or []),
                        data=rec,
                    )
                )

        add("sector", read("sectors.yml").get("sectors"))
        add("occupation", read("occupations.yml").get("occupations"))
        add("education_level", read("levels.yml").get("levels"))
        places = read("places.yml")
        add("province", places.get("provinces"), label_key="name")
        place_records = []
        for rec in places.get("places") or []:
            rec = dict(rec)
            rec["terms"] = list(dict.fromkeys([rec["name"].lower(), *(rec.get("terms") or [])]))
            place_records.append(rec)
        add("place", place_records, label_key="name")
        answers = read("answers.yml")
        add("work_situation", answers.get("work_situations"))
        add("goal", answers.get("goals"))
        add("course_aspect", read("course_aspects.yml").get("course_aspects"))
        schemes = read_scheme_aliases(directory.parent / "catalog" / "schemes.yml")
        add("scheme", schemes)
        lex = cls(entries, places.get("postcode_ranges") or [], places.get("postcode_areas") or [])
        lex.dont_know = tuple(normalize(t) for t in answers.get("dont_know") or [])
        lex.skip = tuple(normalize(t) for t in answers.get("skip") or [])
        lex.number_words = {
            normalize(str(k)): int(v) for k, v in (answers.get("number_words") or {}).items()
        }
        return lex

    # -- lookups ---------------------------------------------------------------------------

    def get(self, kind: str, entry_id: str | None) -> Entry | None:
        if entry_id is None:
            return None
        return self._ids.get((kind, str(entry_id)))

    def label(self, kind: str, entry_id: str | None, default: str = "") -> str:
        entry = self.get(kind, entry_id)
        return entry.label if entry else default

    def lookup(self, kind: str, text: str) -> Entry | None:
        """Exact match of a whole answer against the terms of one kind."""
        return self._index.get(kind, {}).get(normalize(text))

    def find(self, kind: str, text: str, fuzzy: bool = True) -> Entry | None:
        """Best entry of `kind` mentioned anywhere in `text`, tolerating small typos.

        Longer terms win over shorter ones ("mbo niveau 2" over "mbo"), exact over fuzzy.
        """
        norm = normalize(text)
        if not norm:
            return None
        exact = self.lookup(kind, norm)
        if exact:
            return exact
        index = self._index.get(kind, {})
        words = norm.split()
        best: tuple[int, int, Entry] | None = None  # (-edits, length, entry)
        for size in range(min(5, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                gram = " ".join(words[start : start + size])
                entry = index.get(gram)
                if entry is not None:
                    score = (0, len(gram), entry)
                    if best is None or score[:2] > best[:2]:
                        best = score
        if best is not None or not fuzzy:
            return best[2] if best else None
        for size in range(min(3, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                gram = " ".join(words[start : start + size])
                limit = max_typos(gram)
                if limit == 0:
                    continue
                for term, entry in index.items():
                    if abs(len(term) - len(gram)) > limit or max_typos(term) == 0:
                        continue
                    dist = _damerau(gram, term, limit)
                    if dist <= min(limit, max_typos(term)):
                        score = (-dist, len(gram), entry)
                        if best is None or score[:2] > best[:2]:
                            best = score
        return best[2] if best else None

    def find_all(self, kind: str, text: str) -> list[Entry]:
        """Every entry of `kind` named in `text`, in the order they appear, without typos.

        A phrase hides the shorter phrases inside it: in "kan ik beginnen" only the longer
        phrase counts, not "beginnen" on its own.
        """
        index = self._index.get(kind, {})
        words = normalize(text).split()
        taken = [False] * len(words)
        found: list[tuple[int, Entry]] = []
        for size in range(min(5, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                if any(taken[start : start + size]):
                    continue
                entry = index.get(" ".join(words[start : start + size]))
                if entry is None:
                    continue
                taken[start : start + size] = [True] * size
                found.append((start, entry))
        result: list[Entry] = []
        for _, entry in sorted(found, key=lambda item: item[0]):
            if entry not in result:
                result.append(entry)
        return result

    def province_for_postcode(self, postcode: str) -> Entry | None:
        digits = re.match(r"\s*([1-9]\d{3})", postcode or "")
        if not digits:
            return None
        number = int(digits.group(1))
        for rng in self.postcode_ranges:
            if rng["from"] <= number <= rng["to"]:
                return self.get("province", rng["province"])
        return None

    def is_dont_know(self, text: str) -> bool:
        return normalize(text) in self.dont_know

    def is_skip(self, text: str) -> bool:
        return normalize(text) in self.skip


def read_scheme_aliases(path: Path) -> list[dict]:
    """Scheme names and aliases from the seed catalog, so the ruler knows them."""
    if not path.exists():
        return []
    records = yaml.safe_load(path.read_text(encoding="utf-8")).get("schemes") or []
    return [
        {
            "id": rec["id"],
            "label": rec["name"],
            "terms": list(dict.fromkeys([rec["name"].lower(), *(rec.get("aliases") or [])])),
        }
        for rec in records
    ]


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return Lexicon.load()


@lru_cache(maxsize=4)
def word_lists(path: Path = WORDS_FILE) -> dict[str, Any]:
    """Every list in data/lexicon/words.yml, read once."""
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def words(name: str) -> tuple[str, ...]:
    """A named word list from data/lexicon/words.yml, in file order."""
    found = word_lists().get(name)
    if not isinstance(found, list):
        raise KeyError(f"no word list {name!r} in {WORDS_FILE.name}")
    return tuple(str(w) for w in found)


@cache
def word_set(name: str) -> frozenset[str]:
    """A named word list as a set, read on first use."""
    return frozenset(words(name))


def word_map(name: str) -> dict[str, Any]:
    """A named mapping from data/lexicon/words.yml (word -> value), in file order."""
    found = word_lists().get(name)
    if not isinstance(found, dict):
        raise KeyError(f"no word mapping {name!r} in {WORDS_FILE.name}")
    return {str(k): v for k, v in found.items()}


def alternation(items: Iterable[str]) -> str:
    """A regex group matching any of `items`; an item ending in * matches any ending."""
    parts = [
        re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w)
        for w in sorted(items, key=len, reverse=True)  # longest first
    ]
    return "(?:" + "|".join(parts) + ")"


class LazyPattern:
    """A regex compiled on first use, so that importing a module never reads data/ (an
    installed package can show `overstap --help` without the project's data folder)."""

    def __init__(self, build: Callable[[], str], flags: int = 0) -> None:
        self._build = build
        self._flags = flags

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        return re.compile(self._build(), self._flags)

    def __getattr__(self, name: str) -> Any:  # sub, search, finditer, pattern, ...
        return getattr(self.compiled, name)


def words_pattern(name: str, flags: int = 0) -> LazyPattern:
    """A regex that finds any word of a word list as a whole word."""
    return LazyPattern(lambda: r"\b" + alternation(words(name)) + r"\b", flags)
