"""`overstap careers build`: the compact ESCO copy in data/careers/ from the ESCO download."""

from __future__ import annotations

import csv
import gzip
import json
import shutil
from pathlib import Path

import pytest

from bot.careers.build import ATTRIBUTION_NL, DATA_FILE, build
from bot.careers.data import CareersData
from bot.cli import main
from bot.errors import CareersError


@pytest.fixture(scope="module")
def built(esco_download: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("careers") / "esco_nl.json"
    build(esco_download, out, progress=lambda _message: None)
    return out


def test_the_committed_copy_is_what_the_build_makes(built: Path) -> None:
    # The product reads data/careers/, never the download: it must be current and reproducible.
    assert built.read_bytes() == DATA_FILE.read_bytes()


def test_the_copy_is_small_and_says_where_it_comes_from(built: Path) -> None:
    assert built.stat().st_size < 4_000_000
    raw = json.loads(built.read_text(encoding="utf-8"))
    assert raw["esco_version"] == "1.1"
    assert raw["attribution"] == ATTRIBUTION_NL
    assert "occupations_nl.csv.gz" in raw["inputs"]


def test_the_copy_holds_what_esco_holds(built: Path, esco_download: Path) -> None:
    data = CareersData.load(built)
    assert len(data.occupations) == 3007
    with gzip.open(esco_download / "occupationSkillRelations.csv.gz", "rt", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    uri = "http://data.europa.eu/esco/occupation/"
    bus = next(o for o in data.occupations if o.label == "buschauffeur")
    essential = {r["skillUri"].rsplit("/", 1)[1] for r in rows if r["occupationUri"] == uri + bus.id and r["relationType"] == "essential"}  # fmt: skip
    assert {data.skill_ids[s].rsplit("/", 1)[1] for s in bus.essential} == essential
    assert bus.isco == "8331"
    # Female forms and other Dutch names are kept for recognising the occupation.
    assert "autobusbestuurster" in bus.alt
    # Every skill belongs to at least one Dutch skill group.
    assert all(data.skill_groups)
    assert "besturen van voertuigen" in data.esco_group_labels
    # Dutch skill labels where ESCO has them (its skill collections).
    assert sum(1 for label in data.skill_labels if label) > 1000


def test_a_missing_file_is_named_in_dutch(tmp_path: Path, esco_download: Path) -> None:
    for name in ("occupations_nl.csv.gz", "skillGroups_nl.csv.gz"):
        shutil.copy(esco_download / name, tmp_path / name)
    with pytest.raises(CareersError, match="occupationSkillRelations.csv"):
        build(tmp_path, tmp_path / "out.json", progress=lambda _m: None)


def test_a_file_without_its_columns_is_refused(tmp_path: Path, esco_download: Path) -> None:
    for path in esco_download.glob("*.csv.gz"):
        shutil.copy(path, tmp_path / path.name)
    with gzip.open(tmp_path / "occupations_nl.csv.gz", "wt", encoding="utf-8") as f:
        f.write("conceptUri,label\nx,y\n")
    with pytest.raises(CareersError, match="mist de kolom"):
        build(tmp_path, tmp_path / "out.json", progress=lambda _m: None)
    assert not (tmp_path / "out.json").exists()


def test_the_command(tmp_path: Path, esco_download: Path, capsys) -> None:
    out = tmp_path / "esco.json"
    assert main(["careers", "build", "--from", str(esco_download), "--out", str(out)]) == 0
    assert "3007 beroepen" in capsys.readouterr().out
    assert out.exists()
    assert main(["careers", "build", "--from", str(tmp_path / "nergens")]) == 2
    assert "bestaat niet" in capsys.readouterr().err
