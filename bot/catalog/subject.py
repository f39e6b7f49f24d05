"""Does a course search have a real subject? A field, an occupation, a skill or a course name.

"Moet mijn baas mijn cursus betalen?" found courses whose description mentions a boss; showing
them ("het gaat over baas") helps nobody. A query word is a subject when the lexicon knows it
(a sector, an occupation, a word of a synonym group in data/lexicon/synonyms.yml), or when it
matched the title or keywords of a course and is not a common Dutch word (wordfreq). A result
in which no hit matched a subject is not shown; the bot asks what the person wants to learn.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from bot.catalog.search import CourseHit, SearchResult
from bot.catalog.textsearch import QueryTerm, analyzer
from bot.nlp.lexicon import default_lexicon, normalize

# Zipf frequency (wordfreq, Dutch) from which a word counts as common: "betalen" 5.2, "geld" 5.6,
# "mensen" 6.2. Subjects such as "politie" 4.9, "engels" 5.0, "kok" 4.3 or "heftruck" 3.0 stay
# below; "baas" (4.7) is no subject either, but it never matches a course title.
COMMON_ZIPF = 5.0
# A word this frequent is a real word, not a typo: a typo correction of it ("baas" to "bus")
# is no match on subject.
REAL_WORD_ZIPF = 3.0
LEXICON_KINDS = ("sector", "occupation")


@lru_cache(maxsize=1)
def _synonym_stems() -> frozenset[tuple[str, ...]]:
    return frozenset(member for group in analyzer().groups for member in group)


@lru_cache(maxsize=4096)
def is_common(word: str) -> bool:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "nl") >= COMMON_ZIPF


@lru_cache(maxsize=4096)
def is_real_word(word: str) -> bool:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "nl") >= REAL_WORD_ZIPF


@lru_cache(maxsize=4096)
def is_known_subject(word: str) -> bool:
    """A word the project's own word lists know as a field, an occupation or a course topic."""
    if analyzer().stems(word) in _synonym_stems():
        return True
    lexicon = default_lexicon()
    return any(lexicon.lookup(kind, word) is not None for kind in LEXICON_KINDS)


def _tokens(text: str | None) -> set[str]:
    return set((text or "").split())


def title_terms(hit: CourseHit, terms: Iterable[QueryTerm]) -> list[QueryTerm]:
    """The query terms this course matched in its strong field (title, keywords, sector)."""
    title = _tokens(hit.course.search_title)
    return [t for t in terms if any(set(a) <= title for a in t.alternatives)]


def matched_terms(hit: CourseHit, terms: Iterable[QueryTerm]) -> list[QueryTerm]:
    """The query terms this course matched anywhere (title, keywords, sector or description)."""
    tokens = _tokens(hit.course.search_title) | _tokens(hit.course.search_body)
    return [t for t in terms if any(set(a) <= tokens for a in t.alternatives)]


def subject_terms(hit: CourseHit, terms: Iterable[QueryTerm]) -> list[str]:
    """The words of the query that make this hit a match on subject, not on a stray word."""
    # A correction of a real word is a guess at another word, not what the person asked for.
    terms = [t for t in terms if not (t.corrected and is_real_word(t.word))]
    in_title = {t.word for t in title_terms(hit, terms)}
    # Two query words in one title ("social media") name a subject even when each is common.
    phrase = len(in_title) >= 2
    return [
        t.word
        for t in matched_terms(hit, terms)
        if is_known_subject(t.word)
        or (
            t.word in in_title
            and (phrase or not is_common(t.word))
            and (t.corrected or looks_typed(t.word, hit.course.title))
        )
    ]


def looks_typed(word: str, title: str) -> bool:
    """The title has a word that starts like the typed one, not only the same stem: "baas"
    and "Bas" (a double bass) share the stem 'bas', but nobody asking about a boss means it."""
    head = word.lower()[:4]
    return any(w.startswith(head) for w in normalize(title).split())


def has_subject(result: SearchResult) -> bool:
    """True when at least one hit matched the search on a real subject."""
    return any(subject_terms(hit, result.terms) for hit in result.hits)
