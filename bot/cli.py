"""The `overstap` command (and `python -m bot`): every project task as a subcommand."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from bot.errors import OverstapError
from bot.settings import Settings


def cmd_setup(args: argparse.Namespace, settings: Settings) -> int:
    from bot.setup import setup

    setup(settings, force_train=args.force_train)
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.run import run

    return run(settings)


def cmd_web(args: argparse.Namespace, settings: Settings) -> int:
    from bot.web.app import serve

    serve(settings)
    return 0


def cmd_build_nlp(args: argparse.Namespace, settings: Settings) -> int:
    from bot.setup import build_nlp

    build_nlp(settings, force=True)
    return 0


def cmd_catalog(args: argparse.Namespace, settings: Settings) -> int:
    from bot.catalog.store import Catalog

    catalog = Catalog(settings)
    try:
        catalog.migrate()
        if args.catalog_command == "load":
            counts = catalog.load_seed()
            print(f"Geladen: {counts['schemes']} regelingen, {counts['courses']} opleidingen.")
        elif args.catalog_command == "stats":
            print(json.dumps(catalog.stats(), indent=2, ensure_ascii=False))
        elif args.catalog_command == "verify":
            return verify_catalog(catalog, settings, args.max_age_days)
        elif args.catalog_command == "generate":
            return generate_catalog(catalog, args.courses, args.seed, args.force)
    finally:
        catalog.close()
    return 0


def verify_catalog(catalog, settings: Settings, max_age_days: int | None) -> int:
    import datetime as dt

    from bot.catalog.verify import verify

    max_age = max_age_days or settings.verify_max_age_days
    schemes = catalog.schemes()
    problems = verify(schemes, dt.date.today(), max_age)
    for problem in problems:
        label = "FOUT" if problem.fatal else "let op"
        print(f"{label}: regeling {problem.scheme_id} {problem.message}")
    fatal = sum(p.fatal for p in problems)
    print(
        f"{len(schemes)} regelingen gecontroleerd, {fatal} fouten (maximale leeftijd {max_age} dagen)."
    )
    return 1 if fatal else 0


def generate_catalog(catalog, courses: int, seed: int, force: bool) -> int:
    from bot.catalog import synthetic

    report = synthetic.generate(catalog.engine, courses, seed=seed, force=force)
    catalog.vocabulary.clear()
    replaced = f", {report.replaced} oude opleidingen vervangen" if report.replaced else ""
    print(
        f"Verzonnen catalogus gemaakt: {report.courses} opleidingen, {report.locations} locaties, "
        f"{report.terms} zoektermen (seed {seed}{replaced}) in {report.seconds:.0f} s."
    )
    return 0


def cmd_nlu_score(args: argparse.Namespace, settings: Settings) -> int:
    report_path = Path(args.results) / "intent_report.json"
    if not report_path.exists():
        print(f"Geen NLU-rapport gevonden in {report_path}.", file=sys.stderr)
        return 1
    report = json.loads(report_path.read_text())
    macro = report["macro avg"]["f1-score"]
    weighted = report["weighted avg"]["f1-score"]
    print(f"    intent macro-F1 {macro:.3f}, weighted-F1 {weighted:.3f} (minimum {args.min_f1})")
    weak = sorted(
        (name, vals["f1-score"])
        for name, vals in report.items()
        if isinstance(vals, dict)
        and "support" in vals
        and name not in {"macro avg", "weighted avg", "micro avg"}
        and vals["f1-score"] < 0.8
    )
    for name, f1 in weak:
        print(f"    weak intent: {name} F1 {f1:.2f}")
    entity_path = Path(args.results) / "DIETClassifier_report.json"
    if entity_path.exists():
        entities = json.loads(entity_path.read_text())
        if "macro avg" in entities:
            print(f"    entity macro-F1 (DIET) {entities['macro avg']['f1-score']:.3f}")
    return 0 if macro >= args.min_f1 else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="overstap",
        description="Overstap: Nederlandse chatbot die helpt bij een opleiding en wie die betaalt.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "setup", help="spaCy-pipeline bouwen, database vullen, model trainen (als nodig)"
    )
    p.add_argument("--force-train", action="store_true", help="altijd opnieuw trainen")
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser("run", help="action server, Rasa en web-app starten (Ctrl-C stopt alles)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("web", help="alleen de web-app starten (chatpagina)")
    p.set_defaults(func=cmd_web)

    p = sub.add_parser("build-nlp", help="de Nederlandse spaCy-pipeline opnieuw bouwen")
    p.set_defaults(func=cmd_build_nlp)

    p = sub.add_parser("catalog", help="de catalogus van opleidingen en regelingen beheren")
    csub = p.add_subparsers(dest="catalog_command", required=True, metavar="ACTION")
    csub.add_parser("load", help="de startcatalogus uit data/catalog/ laden (vervangt alles)")
    csub.add_parser("stats", help="aantallen in de catalogus tonen")
    verify = csub.add_parser(
        "verify", help="regelingen controleren: bron, status en datum van laatste controle"
    )
    verify.add_argument(
        "--max-age-days",
        type=int,
        help="maximale leeftijd van de controle (standaard de instelling)",
    )
    generate = csub.add_parser(
        "generate",
        help="een verzonnen catalogus van N opleidingen maken, voor metingen (vervangt alle "
        "opleidingen)",
    )
    generate.add_argument(
        "--courses",
        type=int,
        required=True,
        help="aantal verzonnen opleidingen, bijvoorbeeld 100000",
    )
    generate.add_argument(
        "--seed", type=int, default=1, help="startgetal: hetzelfde getal geeft dezelfde catalogus"
    )
    generate.add_argument(
        "--force",
        action="store_true",
        help="ook uitvoeren als er echte (niet verzonnen) opleidingen in de database staan",
    )
    p.set_defaults(func=cmd_catalog)

    p = sub.add_parser("nlu-score", help="NLU-rapport lezen en controleren op een minimum")
    p.add_argument("results", help="map met intent_report.json (uitvoer van rasa test nlu)")
    p.add_argument("--min-f1", type=float, default=0.85, help="minimale intent macro-F1")
    p.set_defaults(func=cmd_nlu_score)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        logging.basicConfig(
            level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        return int(args.func(args, settings) or 0)
    except OverstapError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
