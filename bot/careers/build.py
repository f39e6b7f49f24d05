"""Build the compact ESCO copy in data/careers/ from an ESCO v1.1 CSV download.

`overstap careers build --from DIR` (or `python -m bot.careers.build --from DIR`) reads the
Dutch occupations, the occupation-skill links, the skill pillar's broader relations, the Dutch
skill groups and the Dutch skill collections, and writes one JSON file with only what the bot
needs: occupations with their Dutch labels, ISCO group and essential and optional skills, every
skill with its nearest Dutch skill groups and its Dutch label where ESCO has one. The product
reads that file, never the download.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.errors import CareersError
from bot.settings import PROJECT_ROOT

DATA_DIR = PROJECT_ROOT / "data" / "careers"
DATA_FILE = DATA_DIR / "esco_nl.json"
FORMAT = 1
DEFAULT_VERSION = "1.1"
ESCO_PREFIX = "http://data.europa.eu/esco/"
ATTRIBUTION_NL = "Deze dienst gebruikt de ESCO-classificatie van de Europese Commissie."
ATTRIBUTION_EN = "This service uses the ESCO classification of the European Commission."
LICENCE = (
    "ESCO is published by the European Commission; reuse is free with attribution "
    "(https://esco.ec.europa.eu)."
)
# The files the build needs, by the names of ESCO's CSV download (plain or gzipped).
OCCUPATIONS = "occupations_nl.csv"
RELATIONS = "occupationSkillRelations.csv"
BROADER = "broaderRelationsSkillPillar.csv"
GROUPS = "skillGroups_nl.csv"
COLLECTIONS = "*SkillsCollection_nl.csv"
# ESCO's CSV cells hold up to a few kB (descriptions); the default limit is enough, but
# a broken file should fail with a message, not a stack trace.
csv.field_size_limit(10_000_000)


@dataclass(frozen=True)
class BuildReport:
    path: Path
    occupations: int
    skills: int
    groups: int
    essential_links: int
    optional_links: int
    labelled_skills: int
    skipped_links: int  # links of an occupation without a Dutch label
    size_bytes: int

    def summary(self) -> str:
        return (
            f"Geschreven: {self.path} ({self.size_bytes / 1_000_000:.1f} MB): "
            f"{self.occupations} beroepen, {self.skills} vaardigheden "
            f"({self.labelled_skills} met een Nederlandse naam), {self.groups} groepen, "
            f"{self.essential_links} essentiële en {self.optional_links} optionele koppelingen"
            + (
                f"; {self.skipped_links} koppelingen overgeslagen (beroep zonder Nederlandse naam)"
                if self.skipped_links
                else ""
            )
            + "."
        )


def find_input(directory: Path, name: str) -> Path:
    """The file `name` or `name.gz` in `directory`; a Dutch error when neither is there."""
    for candidate in (directory / name, directory / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    raise CareersError(
        f"{name} (of {name}.gz) staat niet in {directory}. "
        "Geef de map met de CSV-bestanden van ESCO v1.1 (Nederlands)."
    )


def read_csv(path: Path) -> Iterator[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8", newline="") as handle:
            yield from csv.DictReader(handle)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CareersError(f"{path.name} is geen leesbaar CSV-bestand: {exc}") from exc


def require_columns(path: Path, row: dict[str, str], columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in row]
    if missing:
        raise CareersError(f"{path.name} mist de kolom(men) {', '.join(missing)}.")


def short_id(uri: str) -> str:
    """An ESCO concept URI without its common prefix: 'skill/<uuid>', 'isced-f/0716'."""
    uri = uri.strip()
    return uri[len(ESCO_PREFIX) :] if uri.startswith(ESCO_PREFIX) else uri


def occupation_id(uri: str) -> str:
    return short_id(uri).removeprefix("occupation/")


def lines(cell: str | None) -> list[str]:
    """A multi-value cell (one value per line) as a list without blanks or repeats."""
    return list(dict.fromkeys(v.strip() for v in (cell or "").splitlines() if v.strip()))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_groups(path: Path) -> dict[str, tuple[str, str]]:
    """Skill group id -> (Dutch label, code)."""
    groups: dict[str, tuple[str, str]] = {}
    for n, row in enumerate(read_csv(path)):
        if n == 0:
            require_columns(path, row, ("conceptUri", "preferredLabel"))
        groups[short_id(row["conceptUri"])] = (row["preferredLabel"].strip(), row.get("code", ""))
    if not groups:
        raise CareersError(f"{path.name} bevat geen vaardigheidsgroepen.")
    return groups


def nearest_groups(
    skills: set[str], parents: dict[str, list[str]], groups: dict[str, tuple[str, str]]
) -> dict[str, list[str]]:
    """Each skill's nearest skill groups: its own group parents, else those of its parents.

    A skill can sit under more than one group (about a third do); all groups at the
    nearest distance count, so an explanation can name any of them.
    """
    found: dict[str, list[str]] = {}
    for skill in skills:
        level, seen = [skill], {skill}
        while level:
            hits = sorted({p for s in level for p in parents.get(s, ()) if p in groups})
            if hits:
                found[skill] = hits
                break
            level = [p for s in level for p in parents.get(s, ()) if p not in seen]
            seen.update(level)
        else:
            found[skill] = []
    return found


def collection_files(directory: Path) -> list[Path]:
    return sorted(directory.glob(COLLECTIONS)) + sorted(directory.glob(COLLECTIONS + ".gz"))


def read_skill_labels(paths: list[Path]) -> dict[str, str]:
    """Dutch skill labels from ESCO's skill collections (digital, green, language, ...)."""
    labels: dict[str, str] = {}
    for path in paths:
        for row in read_csv(path):
            uri, label = row.get("conceptUri"), (row.get("preferredLabel") or "").strip()
            if uri and label:
                labels.setdefault(short_id(uri), label)
    return labels


def read_occupations(path: Path) -> dict[str, dict]:
    """ESCO occupation id -> its Dutch labels, ISCO group and ESCO code."""
    occupations: dict[str, dict] = {}
    for n, row in enumerate(read_csv(path)):
        if n == 0:
            require_columns(path, row, ("conceptUri", "preferredLabel", "altLabels", "iscoGroup"))
        label = row["preferredLabel"].strip()
        if not label:
            continue
        occupations[occupation_id(row["conceptUri"])] = {
            "label": label,
            "alt": [a for a in lines(row["altLabels"]) if a != label],
            "hidden": lines(row.get("hiddenLabels")),
            "isco": row["iscoGroup"].strip(),
            "code": (row.get("code") or "").strip(),
        }
    if not occupations:
        raise CareersError(f"{path.name} bevat geen beroepen.")
    return occupations


def read_links(path: Path, occupations: dict[str, dict]) -> tuple[dict, int]:
    """(occupation id -> {"essential": skills, "optional": skills}, links left out)."""
    links: dict[str, dict[str, set[str]]] = defaultdict(
        lambda: {"essential": set(), "optional": set()}
    )
    skipped = 0
    for n, row in enumerate(read_csv(path)):
        if n == 0:
            require_columns(path, row, ("occupationUri", "relationType", "skillUri"))
        occupation = occupation_id(row["occupationUri"])
        kind = row["relationType"].strip()
        if kind not in ("essential", "optional"):
            raise CareersError(f"{path.name} regel {n + 2}: onbekend soort koppeling {kind!r}.")
        if occupation not in occupations:
            skipped += 1
            continue
        links[occupation][kind].add(short_id(row["skillUri"]))
    return links, skipped


def read_parents(path: Path) -> dict[str, list[str]]:
    parents: dict[str, list[str]] = defaultdict(list)
    for n, row in enumerate(read_csv(path)):
        if n == 0:
            require_columns(path, row, ("conceptUri", "broaderUri"))
        parents[short_id(row["conceptUri"])].append(short_id(row["broaderUri"]))
    return parents


def build(
    source: Path,
    out: Path = DATA_FILE,
    version: str = DEFAULT_VERSION,
    progress: Callable[[str], None] = print,
) -> BuildReport:
    """Read the ESCO download in `source`; write the compact copy to `out`."""
    source = Path(source)
    if not source.is_dir():
        raise CareersError(f"De map {source} bestaat niet.")
    paths = {name: find_input(source, name) for name in (OCCUPATIONS, RELATIONS, BROADER, GROUPS)}
    progress(f"beroepen lezen ({paths[OCCUPATIONS].name})")
    occupations = read_occupations(paths[OCCUPATIONS])
    progress(f"koppelingen tussen beroepen en vaardigheden lezen ({paths[RELATIONS].name})")
    links, skipped = read_links(paths[RELATIONS], occupations)
    progress(f"vaardigheidsgroepen lezen ({paths[GROUPS].name}, {paths[BROADER].name})")
    groups = read_groups(paths[GROUPS])
    used = {s for kinds in links.values() for skills in kinds.values() for s in skills}
    skill_groups = nearest_groups(used, read_parents(paths[BROADER]), groups)
    orphans = sorted(s for s, g in skill_groups.items() if not g)
    if orphans:
        raise CareersError(
            f"{len(orphans)} vaardigheden horen bij geen enkele groep (bijvoorbeeld {orphans[0]}). "
            f"Klopt {paths[BROADER].name}?"
        )
    collections = collection_files(source)
    skill_labels = read_skill_labels(collections)

    progress("het compacte bestand schrijven")
    group_ids = sorted({g for gs in skill_groups.values() for g in gs})
    group_index = {g: i for i, g in enumerate(group_ids)}
    skill_ids = sorted(used)
    skill_index = {s: i for i, s in enumerate(skill_ids)}
    ordered = sorted(occupations, key=lambda o: (occupations[o]["label"].lower(), o))
    header = {
        "format": FORMAT,
        "esco_version": version,
        "attribution": ATTRIBUTION_NL,
        "attribution_en": ATTRIBUTION_EN,
        "licence": LICENCE,
        "inputs": {p.name: sha256(p) for p in [*paths.values(), *collections]},
    }

    def skills_of(o: str, kind: str) -> list[int]:
        skills = links[o][kind] - (links[o]["essential"] if kind == "optional" else set())
        return sorted(skill_index[s] for s in skills)

    records = {
        "groups": [[g, groups[g][0], groups[g][1]] for g in group_ids],
        "skills": [
            [s, skill_labels.get(s), [group_index[g] for g in skill_groups[s]]] for s in skill_ids
        ],
        "occupations": [
            {
                "id": o,
                **occupations[o],
                "essential": skills_of(o, "essential"),
                "optional": skills_of(o, "optional"),
            }
            for o in ordered
        ],
    }
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(dump(header, records), encoding="utf-8")
    tmp.replace(out)
    return BuildReport(
        path=out,
        occupations=len(ordered),
        skills=len(skill_ids),
        groups=len(group_ids),
        essential_links=sum(len(r["essential"]) for r in records["occupations"]),
        optional_links=sum(len(r["optional"]) for r in records["occupations"]),
        labelled_skills=sum(1 for s in skill_ids if s in skill_labels),
        skipped_links=skipped,
        size_bytes=out.stat().st_size,
    )


def dump(header: dict, records: dict[str, list]) -> str:
    """Valid JSON with one record per line, so a rebuild shows as a readable diff."""
    compact = {"ensure_ascii": False, "separators": (",", ":")}
    out = io.StringIO()
    out.write("{\n")
    for key, value in header.items():
        out.write(f"{json.dumps(key)}:{json.dumps(value, **compact)},\n")
    for n, (key, rows) in enumerate(records.items()):
        out.write(f"{json.dumps(key)}:[\n")
        out.write(",\n".join(json.dumps(row, **compact) for row in rows))
        out.write("\n]" + (",\n" if n < len(records) - 1 else "\n"))
    out.write("}\n")
    return out.getvalue()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="overstap careers build",
        description=(
            "Maak de compacte kopie van ESCO in data/careers/ uit de CSV-bestanden van ESCO "
            "(Nederlands, versie 1.1). De bot leest alleen die kopie."
        ),
    )
    add_arguments(p)
    return p


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--from",
        dest="source",
        metavar="MAP",
        required=True,
        help="map met de ESCO-bestanden (occupations_nl.csv, occupationSkillRelations.csv, "
        "broaderRelationsSkillPillar.csv, skillGroups_nl.csv, *SkillsCollection_nl.csv; "
        "ook als .csv.gz)",
    )
    p.add_argument(
        "--out",
        metavar="BESTAND",
        default=str(DATA_FILE),
        help=f"waar het bestand komt (standaard {DATA_FILE.relative_to(PROJECT_ROOT)})",
    )
    p.add_argument(
        "--esco-version",
        default=DEFAULT_VERSION,
        help=f"de versie van de ESCO-bestanden (standaard {DEFAULT_VERSION})",
    )


def run(args: argparse.Namespace) -> int:
    def progress(message: str) -> None:
        print(f"==> {message}", file=sys.stderr, flush=True)

    report = build(Path(args.source), Path(args.out), args.esco_version, progress)
    print(report.summary())
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return run(args)
    except CareersError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
