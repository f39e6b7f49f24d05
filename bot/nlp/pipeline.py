"""Builds the Dutch spaCy pipeline Rasa's SpacyNLP loads: blank("nl"), lookup lemmatizer, entity ruler.

No nl_core_news_* model can be downloaded here, so the pipeline is built in code from the
lexicon and saved under models/spacy/. Rasa loads it by path (config.yml: SpacyNLP model).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import yaml

from bot.nlp.lexicon import LEXICON_DIR, RULER_KINDS, WORDS_FILE, Lexicon, max_typos

BUILDER_VERSION = "7"
FREQUENT_WORDS = 80_000  # bump when the build logic changes, so models/ is rebuilt
POSTCODE_PATTERNS = [
    {"label": "postcode", "pattern": [{"TEXT": {"REGEX": r"^[1-9][0-9]{3}$"}}]},
    {"label": "postcode", "pattern": [{"TEXT": {"REGEX": r"^[1-9][0-9]{3}[a-zA-Z]{2}$"}}]},
    {
        "label": "postcode",
        "pattern": [{"TEXT": {"REGEX": r"^[1-9][0-9]{3}$"}}, {"TEXT": {"REGEX": r"^[A-Z]{2}$"}}],
    },
]
TENS_WORDS = "twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig"
UNIT_WORDS = "een|één|twee|drie|vier|vijf|zes|zeven|acht|negen"
# "vijfenveertig", "tweeënvijftig", "zestig": an age in words, as people type it.
AGE_WORD = rf"(?i)^(({UNIT_WORDS})(en|ën))?({TENS_WORDS})$|^(zestien|zeventien|achttien|negentien)$"
AGE_PATTERNS = [
    # "45 jaar", "ik ben 45": ages are learnt by DIET too; this makes the common forms sure.
    {"label": "age", "pattern": [{"TEXT": {"REGEX": r"^[1-9][0-9]$"}}, {"LOWER": "jaar"}]},
    {
        "label": "age",
        "pattern": [{"TEXT": {"REGEX": AGE_WORD}}, {"LOWER": {"IN": ["jaar", "jr"]}}],
    },
]


def input_files(directory: Path = LEXICON_DIR) -> list[Path]:
    # words.yml holds word lists the actions read messages with; the ruler does not use it, so
    # changing it needs no new pipeline and no retraining.
    files = sorted(p for p in directory.glob("*.yml") if p.name != WORDS_FILE.name)
    schemes = directory.parent / "catalog" / "schemes.yml"
    if schemes.exists():
        files.append(schemes)
    return files


def fingerprint(directory: Path = LEXICON_DIR) -> str:
    """Hash of the lexicon and the builder, to rebuild only when they change."""
    digest = hashlib.sha256(BUILDER_VERSION.encode())
    digest.update(Path(__file__).read_bytes())
    for path in input_files(directory):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def typo_variants(term: str) -> set[str]:
    """Single deletions and adjacent swaps of a single long word: common typing slips."""
    if " " in term or max_typos(term) == 0 or not term.isalpha():
        return set()
    variants = set()
    for i in range(len(term)):
        variants.add(term[:i] + term[i + 1 :])
    for i in range(len(term) - 1):
        variants.add(term[:i] + term[i + 1] + term[i] + term[i + 2 :])
    variants.discard(term)
    return variants


def ruler_patterns(lexicon: Lexicon, known_words: set[str]) -> list[dict]:
    """Phrase patterns per entity kind, with typo variants that are not real Dutch words."""
    patterns: list[dict] = []
    owner: dict[str, tuple[str, str]] = {}
    for kind in RULER_KINDS:
        for entry in lexicon.by_kind.get(kind, []):
            for term in (*entry.terms, *entry.misspellings):
                term = term.strip().lower()
                if term and term not in owner:
                    owner[term] = (kind, entry.id)
    explicit = set(owner)
    for kind in RULER_KINDS:
        for entry in lexicon.by_kind.get(kind, []):
            for term in entry.terms:
                for variant in typo_variants(term.strip().lower()):
                    if variant in explicit or variant in known_words or variant in owner:
                        continue
                    owner[variant] = (kind, entry.id)
    variants: dict[tuple[str, str], list[str]] = {}
    for term, (kind, entry_id) in owner.items():
        if term in explicit:
            patterns.append({"label": kind, "pattern": term, "id": f"{kind}:{entry_id}"})
        else:
            variants.setdefault((kind, entry_id), []).append(term)
    # Typo variants are single words: one token pattern per entry with a set of spellings
    # loads in milliseconds, where tens of thousands of phrase patterns took seconds.
    for (kind, entry_id), words in variants.items():
        patterns.append(
            {
                "label": kind,
                "pattern": [{"LOWER": {"IN": sorted(words)}}],
                "id": f"{kind}:{entry_id}",
            }
        )
    return patterns + POSTCODE_PATTERNS + AGE_PATTERNS


def extra_lemmas(directory: Path = LEXICON_DIR) -> dict[str, str]:
    path = directory / "lemmas.yml"
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k).lower(): str(v).lower() for k, v in (data.get("lemmas") or {}).items()}


def build(target: Path, lexicon: Lexicon | None = None, progress: bool = True) -> dict:
    """Build the pipeline into `target` (replacing it) and return a small report."""
    import spacy

    lexicon = lexicon or Lexicon.load()
    say = print if progress else (lambda *a, **k: None)
    say("    spaCy: blank('nl') + lookup lemmatizer")
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    lemmatizer = nlp.get_pipe("lemmatizer")
    table = lemmatizer.lookups.get_table("lemma_lookup")
    for form, lemma in extra_lemmas().items():
        table[form] = lemma
    known_words = dutch_words()
    patterns = ruler_patterns(lexicon, known_words)
    say(f"    spaCy: entity ruler with {len(patterns)} patterns")
    # First in the pipeline: loading runs every earlier component over each of the tens of
    # thousands of patterns, and the ruler matches on LOWER, so it needs no lemmas.
    ruler = nlp.add_pipe(
        "entity_ruler",
        first=True,
        config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True, "validate": False},
    )
    ruler.add_patterns(patterns)
    nlp.meta["name"] = "overstap"
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = "Overstap Dutch pipeline: lookup lemmas and an entity ruler"
    nlp.meta["overstap_fingerprint"] = fingerprint()
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(tmp)
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    report = {"patterns": len(patterns), "labels": sorted({p["label"] for p in patterns})}
    (target / "overstap.json").write_text(json.dumps({"fingerprint": fingerprint(), **report}))
    return report


def dutch_words() -> set[str]:
    """Real Dutch words, so a typo variant that is a word ("weet" from "Weert") is left out.

    The lemma table of spacy-lookups-data lists only forms that differ from their lemma, so
    wordfreq's most frequent Dutch words (bundled data, offline) complete it.
    """
    import gzip

    import spacy_lookups_data
    import wordfreq

    path = Path(spacy_lookups_data.__file__).parent / "data" / "nl_lemma_lookup.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        table = json.load(handle)
    words = {w.lower() for w in table} | {w.lower() for w in table.values()}
    return words | set(wordfreq.top_n_list("nl", FREQUENT_WORDS))


def is_current(target: Path) -> bool:
    marker = target / "overstap.json"
    if not marker.exists():
        return False
    try:
        return json.loads(marker.read_text()).get("fingerprint") == fingerprint()
    except ValueError:
        return False


def load(target: Path):
    import spacy

    return spacy.load(target)
