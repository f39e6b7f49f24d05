"""Which ESCO occupation someone means, from their own words ("ik zit achter de kassa").

Ways to find it, surest first:
1. an ESCO occupation's own (preferred) label as a phrase in the text: "buschauffeur";
2. an occupation of the project's lexicon (data/lexicon/occupations.yml, with its phrases:
   "achter de kassa") and the ESCO occupations it is linked to;
3. another ESCO label as a phrase: an alternative label, a female form, a hidden variant;
4. all words of a longer ESCO label somewhere in the text ("thuiszorg ... helpende");
5. an ESCO label or a lexicon word typed with a typo or two.

The lexicon link makes the profile, the adviser's summary and the console agree: a lexicon
occupation is linked to ESCO by its label or else its terms (or by an `esco:` list in its
record, which wins), and an ESCO occupation found here maps back to that lexicon occupation.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz import fuzz, process
from wordfreq import zipf_frequency

from bot.careers.data import CareersData, Occupation
from bot.nlp.lexicon import Entry, Lexicon, normalize

MAX_CHOICES = 3
MAX_GRAM = 6
# Ways a label was found (higher is surer).
OWN_LABEL, LEXICON, PHRASE, WORDS, TYPO = 5, 4, 3, 2, 1
# Weights of the kinds of ESCO label: the preferred one is the surest.
PREFERRED, ALTERNATIVE, HIDDEN = 3, 2, 1
TYPO_MIN_RATIO = 88.0
TYPO_MIN_LENGTH = 6
TYPO_LENGTH_SLACK = 3  # a ratio of 88 or more allows only a few characters more or less
KNOWN_WORD_ZIPF = 3.0
# Words that say nothing about which job on their own; an ESCO label made of only these
# ("medewerker", "hulp") is not matched by itself.
FILLER = frozenset(
    """
    de het een van en in op voor met bij aan te of als in die dat er om uit tot naar over
    ik je jij mijn ben was werk werkte werkt werken baan doe deed zit zat
    medewerker medewerkster werker werkster hulp assistent assistente
    """.split()
)
OPTIONAL_PART = re.compile(r"(\w*)\((\w+)\)(\w*)")


def label_variants(label: str) -> list[tuple[str, bool]]:
    """Normalised forms of one ESCO label, each with whether it is the whole label.

    'huishoud(st)er' gives 'huishouder' and 'huishoudster' (both whole); 'chauffeur/verhuizer'
    gives itself and, not whole, 'chauffeur' and 'verhuizer'.
    """
    forms = [(label, True)]
    match = OPTIONAL_PART.search(label)
    if match and match.group(1):
        head, part, tail = match.groups()
        forms = [
            (label[: match.start()] + head + tail + label[match.end() :], True),
            (label[: match.start()] + head + part + tail + label[match.end() :], True),
        ]
    if "/" in label and " " not in label:
        forms += [(part, False) for part in label.split("/")]
    found: dict[str, bool] = {}
    for form, whole in forms:
        key = normalize(form)
        if key:
            found[key] = found.get(key, False) or whole
    return list(found.items())


@dataclass(frozen=True)
class Candidate:
    occupation: Occupation
    how: int  # PHRASE, LEXICON, WORDS or TYPO
    length: int  # characters of the matched words: a longer match is surer
    weight: int  # PREFERRED, ALTERNATIVE or HIDDEN

    @property
    def rank(self) -> tuple:
        o = self.occupation
        return (-self.how, -self.length, -self.weight, o.specificity, len(o.label), o.label)


@dataclass(frozen=True)
class Recognised:
    """The occupation someone means, or the few that fit when it is not clear."""

    occupation: Occupation | None
    choices: tuple[Occupation, ...] = ()

    @property
    def found(self) -> bool:
        return self.occupation is not None or bool(self.choices)


class Recogniser:
    def __init__(self, data: CareersData, lexicon: Lexicon) -> None:
        self.data = data
        self.lexicon = lexicon
        self.phrases: dict[str, dict[int, int]] = defaultdict(dict)  # key -> occupation -> weight
        self.word_labels: dict[str, list[tuple[frozenset[str], int, int, int]]] = defaultdict(list)
        for occupation in data.occupations:
            kinds = (
                (PREFERRED, (occupation.label,)),
                (ALTERNATIVE, occupation.alt),
                (HIDDEN, occupation.hidden),
            )
            for weight, labels in kinds:
                for label in labels:
                    for key, whole in label_variants(label):
                        self._add(key, occupation.index, weight if whole else HIDDEN)

    def _add(self, key: str, index: int, weight: int) -> None:
        words = [w for w in key.split() if w not in FILLER]
        if not words:
            return
        known = self.phrases[key]
        known[index] = max(known.get(index, 0), weight)
        if len(words) >= 2:
            rarest = min(words, key=len, default="")  # any word will do; the shortest is cheap
            self.word_labels[rarest].append((frozenset(words), index, weight, len(key)))

    # -- the lexicon link ---------------------------------------------------------------------

    @cached_property
    def links(self) -> dict[str, tuple[Occupation, ...]]:
        """Lexicon occupation id -> the ESCO occupations it stands for (at most three)."""
        return {entry.id: self._link(entry) for entry in self.lexicon.by_kind.get("occupation", [])}

    def _link(self, entry: Entry) -> tuple[Occupation, ...]:
        explicit = entry.data.get("esco")
        if explicit:
            return tuple(o for o in (self.by_name(str(n)) for n in explicit) if o)[:MAX_CHOICES]
        # The entry's label, else its terms in their order (the first term is its usual name).
        for names in ((entry.label, entry.id.replace("_", " ")), *((t,) for t in entry.terms)):
            found: dict[int, int] = {}
            for name in names:
                for index, weight in self.phrases.get(normalize(name), {}).items():
                    found[index] = max(found.get(index, 0), weight)
            if found:
                # An ESCO occupation that has this very name as its own label is the one.
                if PREFERRED in found.values():
                    found = {i: w for i, w in found.items() if w == PREFERRED}
                ranked = sorted(
                    found,
                    key=lambda i: (
                        -found[i],
                        self.data.occupations[i].specificity,
                        self.data.occupations[i].label,
                    ),
                )
                return tuple(self.data.occupations[i] for i in ranked[:MAX_CHOICES])
        return ()

    def by_name(self, name: str) -> Occupation | None:
        """An ESCO occupation by its id or its exact preferred label."""
        found = self.data.get(name)
        if found:
            return found
        return next((o for o in self.data.occupations if o.label == name), None)

    @cached_property
    def lexicon_of(self) -> dict[str, Entry]:
        """ESCO occupation id -> the lexicon occupation linked to it (the first that is)."""
        back: dict[str, Entry] = {}
        for entry in self.lexicon.by_kind.get("occupation", []):
            for occupation in self.links.get(entry.id, ()):
                back.setdefault(occupation.id, entry)
        return back

    def lexicon_entry(self, occupation: Occupation) -> Entry | None:
        return self.lexicon_of.get(occupation.id)

    # -- recognising --------------------------------------------------------------------------

    def candidates(self, text: str) -> list[Candidate]:
        words = normalize(text).split()
        if not words:
            return []
        found: dict[int, Candidate] = {}

        def add(index: int, how: int, length: int, weight: int) -> None:
            candidate = Candidate(self.data.occupations[index], how, length, weight)
            best = found.get(index)
            if best is None or candidate.rank < best.rank:
                found[index] = candidate

        grams = list(self._grams(words))
        for gram in grams:
            for index, weight in self.phrases.get(gram, {}).items():
                add(index, OWN_LABEL if weight == PREFERRED else PHRASE, len(gram), weight)
        for entry in self._lexicon_entries(text):
            for occupation in self.links.get(entry.id, ()):
                add(occupation.index, LEXICON, len(entry.label), PREFERRED)
        present = set(words)
        for word in present:
            for label_words, index, weight, length in self.word_labels.get(word, ()):
                if label_words <= present:
                    add(index, WORDS, length, weight)
        if not found:
            for gram, index, weight in self._typos(grams):
                add(index, TYPO, len(gram), weight)
        return sorted(found.values(), key=lambda c: c.rank)

    def recognise(self, text: str) -> Recognised:
        """One occupation when the words point to one; else up to three to choose from."""
        ranked = self.candidates(text)
        if not ranked:
            return Recognised(None)
        best = ranked[0]
        ties = [c for c in ranked if c.rank[:3] == best.rank[:3]]
        # A typo decides only when it is close to an occupation's own label.
        if len(ties) == 1 and (best.how != TYPO or best.weight == PREFERRED):
            return Recognised(best.occupation)
        if len(ranked) == 1:
            return Recognised(best.occupation)
        return Recognised(None, tuple(c.occupation for c in ranked[:MAX_CHOICES]))

    @staticmethod
    def _grams(words: list[str]) -> Iterable[str]:
        for size in range(min(MAX_GRAM, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                gram = " ".join(words[start : start + size])
                if size > 1 or gram not in FILLER:
                    yield gram

    def _lexicon_entries(self, text: str) -> list[Entry]:
        return self.lexicon.find_all("occupation", text)

    @cached_property
    def typo_targets(self) -> tuple[dict[int, list[str]], dict[str, dict[int, int]]]:
        """(length -> keys, key -> occupation -> weight) over ESCO labels and the lexicon's
        words (its terms and the misspellings it knows), for the occupations they link to."""
        targets: dict[str, dict[int, int]] = {k: dict(v) for k, v in self.phrases.items()}
        for entry in self.lexicon.by_kind.get("occupation", []):
            for term in (*entry.terms, *entry.misspellings):
                known = targets.setdefault(normalize(term), {})
                for occupation in self.links.get(entry.id, ()):
                    known.setdefault(occupation.index, PREFERRED)
        by_length: dict[int, list[str]] = defaultdict(list)
        for key, occupations in targets.items():
            if len(key) >= TYPO_MIN_LENGTH and occupations:
                by_length[len(key)].append(key)
        return dict(by_length), targets

    def warm(self) -> None:
        """Build the lazy indexes now (at server start), not in someone's first message."""
        self.lexicon_of  # noqa: B018
        self.typo_targets  # noqa: B018
        zipf_frequency("werk", "nl")

    def _typos(self, grams: list[str]) -> Iterable[tuple[str, int, int]]:
        """ESCO labels one or two typos away from a word or two of the text.

        A common Dutch word is spelled right, so it is not tried ("administratie" is not a
        misspelled "administrator").
        """
        for gram in grams:
            if len(gram) < TYPO_MIN_LENGTH or gram.count(" ") > 1:
                continue
            if any(zipf_frequency(word, "nl") >= KNOWN_WORD_ZIPF for word in gram.split()):
                continue
            by_length, targets = self.typo_targets
            keys = [
                key
                for n in range(len(gram) - TYPO_LENGTH_SLACK, len(gram) + TYPO_LENGTH_SLACK + 1)
                for key in by_length.get(n, ())
            ]
            for key, _score, _ in process.extract(
                gram, keys, scorer=fuzz.ratio, score_cutoff=TYPO_MIN_RATIO, limit=5
            ):
                for index, weight in targets[key].items():
                    yield key, index, weight
