"""Dutch text analysis for course search, shared by the SQLite FTS5 and PostgreSQL backends.

Both backends index the same Python-made documents: every word is stemmed with the Snowball
Dutch stemmer (the algorithm of PostgreSQL's `dutch` configuration) and compounds are split
into their known parts ("vorkheftruck" also yields "heftruck" and "truck"). A query word is
expanded with its synonym group (data/lexicon/synonyms.yml) and, when the index does not know
it, with the nearest index terms (typo tolerance) or its compound head.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import snowballstemmer
import yaml

from bot.nlp.lexicon import normalize, words
from bot.settings import PROJECT_ROOT

ANALYZER_VERSION = "1"  # bump when documents change; stored documents are then rebuilt
# The term dictionary's entry that counts courses (the N of idf); no token is empty.
DOCS_KEY = ""
SYNONYMS_FILE = PROJECT_ROOT / "data" / "lexicon" / "synonyms.yml"


@functools.cache
def stopwords() -> frozenset[str]:
    """Words that say nothing about the topic of a course search (data/lexicon/words.yml),
    read on first use, not at import."""
    return frozenset(words("search_stopwords"))


def __getattr__(name: str):
    if name == "STOPWORDS":
        return stopwords()
    raise AttributeError(name)


_WORD = re.compile(r"[a-z0-9]+")
MIN_PART = 5  # shortest compound head worth indexing; shorter ones are often names ("niek")
MIN_MODIFIER = 4  # "hef" in "heftruck" is no topic; shorter first parts split too eagerly


@dataclass(frozen=True)
class QueryTerm:
    """One thing the person typed, with every index form that counts as a match.

    `alternatives` holds token tuples: one token, or several for a phrase ("eerst hulp").
    """

    word: str
    alternatives: tuple[tuple[str, ...], ...]
    corrected: bool = False  # found only through typo tolerance


class Analyzer:
    def __init__(self, synonyms_file=SYNONYMS_FILE, wordlist_size: int = 50_000):
        from wordfreq import top_n_list

        self._stemmer = snowballstemmer.stemmer("dutch")
        data = yaml.safe_load(synonyms_file.read_text(encoding="utf-8")) or {}
        self.groups: list[tuple[tuple[str, ...], ...]] = []
        self._group_of: dict[tuple[str, ...], int] = {}
        words = {normalize(w) for w in top_n_list("nl", wordlist_size)}
        for raw in data.get("groups") or []:
            members = tuple(dict.fromkeys(self.stems(str(m)) for m in raw))
            members = tuple(m for m in members if m)
            for member in members:
                self._group_of.setdefault(member, len(self.groups))
            self.groups.append(members)
            words.update(w for m in raw for w in _WORD.findall(normalize(str(m))))
        self.known_words = frozenset(w for w in words if len(w) >= MIN_MODIFIER and w.isalpha())

    # -- words ---------------------------------------------------------------------------------

    @functools.lru_cache(maxsize=200_000)  # noqa: B019 - one analyzer per process
    def stem(self, word: str) -> str:
        return self._stemmer.stemWord(word)

    def stems(self, text: str) -> tuple[str, ...]:
        return tuple(self.stem(w) for w in _WORD.findall(normalize(text)))

    @functools.lru_cache(maxsize=200_000)  # noqa: B019
    def parts(self, word: str) -> tuple[str, ...]:
        """Known parts of a compound, longest head first: 'vorkheftruck' -> heftruck, truck, vork."""
        if len(word) < MIN_PART + MIN_MODIFIER or not word.isalpha():
            return ()
        for i in range(MIN_MODIFIER, len(word) - MIN_PART + 1):
            head, modifier = word[i:], word[:i]
            if head not in self.known_words:
                continue
            linked = [modifier] + [
                modifier[: -len(x)] for x in ("s", "en", "e") if modifier.endswith(x)
            ]
            mod = next(
                (m for m in linked if len(m) >= MIN_MODIFIER and m in self.known_words), None
            )
            if mod is None:
                continue  # both parts must be words: "oplei" + "ding" is no compound
            return tuple(dict.fromkeys([head, *self.parts(head), mod]))
        return ()

    # -- documents -----------------------------------------------------------------------------

    def document(self, *texts: str | None) -> list[str]:
        """Index tokens for some text: stems of every word and of its compound parts."""
        tokens: list[str] = []
        for text in texts:
            for word in _WORD.findall(normalize(text or "")):
                tokens.append(self.stem(word))
                tokens.extend(self.stem(p) for p in self.parts(word))
        return tokens

    def course_fields(
        self, title: str, keywords: Iterable[str], sector: str | None, description: str | None
    ) -> tuple[str, str]:
        """(search_title, search_body): the strong and the weak field of a course."""
        strong = self.document(title, " ".join(keywords or []), sector)
        weak = self.document(description)
        return " ".join(strong), " ".join(weak)

    # -- queries -------------------------------------------------------------------------------

    def query(
        self, text: str | None, vocabulary: dict[str, int] | None = None, typo_words: int = 3
    ) -> list[QueryTerm]:
        """The terms of a query. With the index vocabulary, unknown words get typo corrections."""
        words = [w for w in _WORD.findall(normalize(text or "")) if w not in stopwords()]
        words = [w for w in words if len(w) > 1 or w.isdigit()]
        terms: list[QueryTerm] = []
        i = 0
        while i < len(words):
            # A two-word synonym ("eerste hulp") is one term.
            if i + 1 < len(words):
                pair = (self.stem(words[i]), self.stem(words[i + 1]))
                if pair in self._group_of:
                    terms.append(
                        QueryTerm(f"{words[i]} {words[i + 1]}", self._expand(pair, vocabulary))
                    )
                    i += 2
                    continue
            word = words[i]
            stem = (self.stem(word),)
            alternatives = self._expand(stem, vocabulary)
            corrected = False
            if vocabulary is not None and not any(_known(a, vocabulary) for a in alternatives):
                # Unknown to the index: a typo (on short queries), else the compound's head.
                fixes = self.corrections(word, vocabulary) if len(words) <= typo_words else []
                heads = [self.stem(p) for p in self.parts(word)[:1]]
                extra = fixes or [h for h in heads if h in vocabulary]
                alternatives = tuple(dict.fromkeys([*alternatives, *((e,) for e in extra)]))
                corrected = bool(fixes)
            terms.append(QueryTerm(word, alternatives, corrected))
            i += 1
        return terms

    def _expand(
        self, stems: tuple[str, ...], vocabulary: dict[str, int] | None
    ) -> tuple[tuple[str, ...], ...]:
        group = self._group_of.get(stems)
        found = [stems] if group is None else [stems, *self.groups[group]]
        return tuple(dict.fromkeys(found))

    def corrections(self, word: str, vocabulary: dict[str, int], limit: int = 2) -> list[str]:
        """Index terms one typo away (two for long words), the most used first."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        if len(word) < 4 or word.isdigit():
            return []
        stem = self.stem(word)
        max_dist = 1 if len(word) <= 7 else 2
        by_length = _terms_by_length(vocabulary)
        found = [
            hit
            for size in range(len(stem) - max_dist, len(stem) + max_dist + 1)
            for hit in process.extract(
                stem,
                by_length.get(size, []),
                scorer=Levenshtein.distance,
                score_cutoff=max_dist,
                limit=None,
            )
        ]
        ranked = sorted(found, key=lambda hit: (hit[1], -vocabulary[hit[0]], hit[0]))
        return [term for term, _dist, _idx in ranked[:limit]]


_TERMS: list = [None, 0, {}]  # the last vocabulary dict, its size and its terms by length


def _terms_by_length(vocabulary: dict[str, int]) -> dict[int, list[str]]:
    """The vocabulary's terms as lists by length, made once per dictionary. A term more than
    two letters longer or shorter is never two edits away, and rapidfuzz converts every string
    of the list it is given on each call: over the terms of about the right length a typo
    costs a fraction of the 1.5 ms that all 37,000 terms of a register-size catalog take."""
    if _TERMS[0] is not vocabulary or _TERMS[1] != len(vocabulary):
        by_length: dict[int, list[str]] = {}
        for term in vocabulary:
            by_length.setdefault(len(term), []).append(term)
        _TERMS[:] = [vocabulary, len(vocabulary), by_length]
    return _TERMS[2]


def _known(alternative: tuple[str, ...], vocabulary: dict[str, int]) -> bool:
    return all(token in vocabulary for token in alternative)


@functools.lru_cache(maxsize=1)
def analyzer() -> Analyzer:
    """The process-wide analyzer (loading the word list takes a few tenths of a second)."""
    return Analyzer()


def count_terms(*documents: str) -> Counter:
    """Document frequency contribution of one course: each distinct token once, and one
    course under DOCS_KEY."""
    return Counter({DOCS_KEY, *" ".join(documents).split()})
