"""`overstap setup`: everything `make run` needs after the packages, each step only when needed."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path

from bot.catalog.store import Catalog
from bot.errors import SetupError
from bot.nlp import pipeline
from bot.settings import PROJECT_ROOT, Settings

MODEL_NAME = "overstap"
TRAINING_INPUTS = ("config.yml", "domain.yml", "data/nlu", "data/rules", "data/stories")


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def build_nlp(settings: Settings, force: bool = False) -> bool:
    target = settings.spacy_model_dir
    if not force and pipeline.is_current(target):
        step("Dutch spaCy pipeline is up to date")
        return False
    step(f"building the Dutch spaCy pipeline into {target.relative_to(PROJECT_ROOT)}")
    started = time.monotonic()
    report = pipeline.build(target)
    print(f"    done in {time.monotonic() - started:.1f}s ({report['patterns']} patterns)")
    return True


def prepare_database(settings: Settings, force: bool = False) -> None:
    catalog = Catalog.open(settings)
    try:
        catalog.migrate()
        if force or not catalog.seed_is_current():
            step("loading the schemes and DUO's HO snapshot (data/catalog/) into the database")
            counts = catalog.load_seed()
            print(f"    {counts['schemes']} schemes, {counts['courses']} courses")
        else:
            step("database and shipped catalog are up to date")
    finally:
        catalog.close()


def training_fingerprint(settings: Settings) -> str:
    digest = hashlib.sha256()
    for name in TRAINING_INPUTS:
        path = PROJECT_ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.suffix in {".yml", ".yaml"}:
                digest.update(str(file.relative_to(PROJECT_ROOT)).encode())
                digest.update(file.read_bytes())
    # The entity ruler is part of what the model learnt from.
    digest.update(pipeline.fingerprint().encode())
    return digest.hexdigest()[:16]


def model_path(settings: Settings) -> Path:
    return settings.models_dir / f"{MODEL_NAME}.tar.gz"


def train(settings: Settings, force: bool = False) -> bool:
    stamp = settings.models_dir / ".fingerprint"
    fingerprint = training_fingerprint(settings)
    model = model_path(settings)
    if not force and model.exists() and stamp.exists() and stamp.read_text().strip() == fingerprint:
        step("Rasa model is up to date (nothing in data/, domain.yml or config.yml changed)")
        return False
    step("training the Rasa model (data, domain or config changed; takes a few minutes)")
    started = time.monotonic()
    rasa = Path(sys.executable).parent / "rasa"
    # Rasa's own defaults find config.yml, domain.yml and data/ in the project root.
    cmd = [
        str(rasa), "train", "--fixed-model-name", MODEL_NAME, "--out", str(settings.models_dir), "--force",
    ]  # fmt: skip
    result = subprocess.run(cmd, cwd=PROJECT_ROOT, check=False)
    if result.returncode != 0 or not model.exists():
        raise SetupError("Het trainen van het Rasa-model is mislukt; zie de uitvoer hierboven.")
    stamp.write_text(fingerprint)
    print(f"    trained in {time.monotonic() - started:.0f}s -> {model.relative_to(PROJECT_ROOT)}")
    return True


def setup(settings: Settings, force_train: bool = False) -> None:
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    build_nlp(settings)
    prepare_database(settings)
    train(settings, force=force_train)
