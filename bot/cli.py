"""The `overstap` command (and `python -m bot`): every project task as a subcommand."""

from __future__ import annotations

import argparse
import json
import logging
import re
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


def cmd_run_prod(args: argparse.Namespace, settings: Settings) -> int:
    from bot.prod import run_prod, settings_for_prod

    return run_prod(settings_for_prod())


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from bot.worker import main

    return main(settings)


def cmd_build_nlp(args: argparse.Namespace, settings: Settings) -> int:
    from bot.setup import build_nlp

    build_nlp(settings, force=True)
    return 0


def cmd_catalog(args: argparse.Namespace, settings: Settings) -> int:
    from bot.catalog.store import Catalog

    catalog = Catalog.open(settings)
    try:
        catalog.migrate()
        if args.catalog_command == "load":
            counts = catalog.load_seed()
            print(f"Geladen: {counts['schemes']} regelingen, {counts['courses']} opleidingen.")
        elif args.catalog_command == "stats":
            stats = catalog.stats()
            if args.json:
                print(json.dumps(stats, indent=2, ensure_ascii=False))
            else:
                print(format_stats(stats))
        elif args.catalog_command == "import":
            return import_catalog(catalog, args)
        elif args.catalog_command == "verify":
            return verify_catalog(catalog, settings, args.max_age_days)
        elif args.catalog_command == "generate":
            return generate_catalog(catalog, args.courses, args.seed, args.force)
    finally:
        catalog.close()
    return 0


def cmd_whatsapp(args: argparse.Namespace, settings: Settings) -> int:
    from bot.db import create_engine
    from bot.whatsapp.identity import Identity
    from bot.whatsapp.store import WhatsAppStore

    settings = settings.with_secrets()
    store = WhatsAppStore(create_engine(settings), Identity(settings.pseudonym_key))
    try:
        store.migrate()
        if args.whatsapp_command == "purge":
            purged = store.purge_all(
                settings.whatsapp_retention_days, settings.whatsapp_contact_retention_days
            )
            print(
                f"Verwijderd: afgehandelde berichten {purged.inbox}, bezorgstatussen "
                f"{purged.statuses}, contacten {purged.contacts}, verzendfouten "
                f"{purged.send_errors}, antwoorden in de wachtrij {purged.outbox}."
            )
    finally:
        store.close()
    return 0


def cmd_careers(args: argparse.Namespace, settings: Settings) -> int:
    """Work to work: build the ESCO copy, or show other work for an occupation."""
    if args.careers_command == "build":
        from bot.careers.build import run

        return run(args)
    from bot.careers.service import default_careers

    careers = default_careers()
    recognised = careers.recognise(args.occupation)
    if recognised.occupation is None:
        if recognised.choices:
            print("Welk beroep? " + "; ".join(o.label for o in recognised.choices))
        else:
            print(f"Geen beroep gevonden in: {args.occupation}", file=sys.stderr)
        return 1
    person = recognised.occupation
    print(f"{person.label} (ISCO {person.isco}, ESCO {person.id})")
    for s in careers.suggest(person, args.nlqf, limit=args.count):
        print(f"  {s.score:.2f}  {s.occupation.label}  ({s.shared} van {s.needed} vaardigheden)")
        print(f"        kan al: {'; '.join(s.can)}")
        print(f"        leert nog: {'; '.join(s.learn)}")
        for fact in careers.facts(s.occupation):
            print(f"        UWV ({fact.published}): {fact.kind} - {fact.group}")
    print(careers.attribution)
    return 0


def import_catalog(catalog, args: argparse.Namespace) -> int:
    """Import one file; errors to stderr (up to a limit), the summary to stdout."""
    from bot.errors import CatalogImportError

    try:
        report = catalog.import_file(
            Path(args.path),
            args.format,
            skip_invalid=args.skip_invalid,
            dry_run=args.dry_run,
            source=args.source,
            provider=args.provider,
            show_progress=not args.quiet,
        )
    except CatalogImportError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 1
    for line in report.error_lines(IMPORT_ERRORS_SHOWN):
        print(line, file=sys.stderr)
    print(report.summary())
    return 0 if report.ok else 1


MODE_LABELS = {
    "on campus": "op de campus",
    "online": "online",
    "hybrid": "hybride",
    "distance-learning": "afstandsleren",
    "situated": "op locatie",
}
STATUS_LABELS = {"actief": "actief", "beeindigd": "beëindigd", "onzeker": "onzeker"}


def format_stats(stats: dict) -> str:
    """The catalog counts as a short Dutch overview."""
    from bot.nlp.lexicon import default_lexicon

    lexicon = default_lexicon()

    def block(title: str, counts: dict[str, int], label) -> list[str]:
        if not counts:
            return []
        names = {key: label(key) for key in counts}
        width = max(len(n) for n in names.values())
        return [f"  {title}:"] + [
            f"    {names[key]:<{width}}  {count:>5}" for key, count in counts.items()
        ]

    by_sector = dict(sorted(stats["courses_by_sector"].items(), key=lambda kv: (-kv[1], kv[0])))
    lines = [f"Opleidingen: {stats['courses']}"]
    lines += block("Per sector", by_sector, lambda s: lexicon.label("sector", s, default=s))
    lines += block(
        "Per niveau (NLQF)",
        stats["courses_by_nlqf"],
        lambda n: "zonder niveau" if n == "none" else f"niveau {n}",
    )
    lines += block("Per lesvorm", stats["courses_by_mode"], lambda m: MODE_LABELS.get(m, m))
    lines.append(f"Regelingen: {stats['schemes']}")
    lines += block("Per status", stats["schemes_by_status"], lambda s: STATUS_LABELS.get(s, s))
    return "\n".join(lines)


def verify_catalog(catalog, settings: Settings, max_age_days: int | None) -> int:
    import datetime as dt

    from bot.catalog.topics import load_topics, verify_topics
    from bot.catalog.verify import verify

    max_age = max_age_days or settings.verify_max_age_days
    schemes = catalog.schemes()
    problems = verify(schemes, dt.date.today(), max_age)
    for problem in problems:
        label = "FOUT" if problem.fatal else "let op"
        print(f"{label}: regeling {problem.scheme_id} {problem.message}")
    topics = load_topics()
    topic_problems = verify_topics(topics, dt.date.today(), max_age)
    for problem in topic_problems:
        print(f"FOUT: {problem.scheme_id} {problem.message}")
    fatal = sum(p.fatal for p in problems) + len(topic_problems)
    print(
        f"{len(schemes)} regelingen en {len(topics)} onderwerpen gecontroleerd, {fatal} fouten "
        f"(maximale leeftijd {max_age} dagen)."
    )
    fatal += verify_demand(max_age)
    return 1 if fatal else 0


def verify_demand(max_age: int) -> int:
    """UWV's facts in data/careers/demand.yml, checked like the schemes; returns the errors."""
    import datetime as dt

    from bot.careers import demand
    from bot.careers.data import default_data
    from bot.nlp.lexicon import default_lexicon

    facts = demand.read_facts(demand.DEMAND_FILE)
    lexicon_ids = {e.id for e in default_lexicon().by_kind.get("occupation", [])}
    problems = demand.verify(facts, default_data(), lexicon_ids, dt.date.today(), max_age)
    for problem in problems:
        label = "FOUT" if problem.fatal else "let op"
        print(f"{label}: UWV-feit {problem.subject} {problem.message}")
    fatal = sum(p.fatal for p in problems)
    print(f"{len(facts)} feiten van UWV gecontroleerd, {fatal} fouten.")
    return fatal


# Intents by what the person is doing, for the per-group scores of `nlu-score`. An intent
# not listed here is reported under "other".
INTENT_GROUPS: dict[str, tuple[str, ...]] = {
    "profile answers": (
        "start_profile", "inform", "dont_know", "skip", "unsure", "change_answer", "start_over",
        "affirm", "deny",
    ),
    "schemes": ("ask_schemes", "ask_scheme", "ask_why_not", "ask_evc"),
    "courses": ("search_courses", "ask_more", "ask_course_info", "ask_basic_skills"),
    "help/handoff": (
        "request_human", "ask_privacy", "ask_capabilities", "bot_challenge", "stop",
        "mention_hard_topic", "signal_reading_trouble", "request_callback",
    ),
    "rules/money questions": (
        "ask_employer_duty", "ask_study_costs", "ask_learning_budget", "ask_tax",
        "ask_loan_interest", "ask_study_on_benefit", "ask_nlqf",
    ),
    "career doubts": ("express_career_doubt",),
    "chit-chat/other": ("greet", "goodbye", "thank", "out_of_scope", "insult"),
    "work to work": ("ask_other_work", "mention_job_loss", "choose_work"),
}  # fmt: skip
SUMMARY_ROWS = {"macro avg", "weighted avg", "micro avg", "accuracy"}


def intent_scores(report: dict) -> dict[str, dict]:
    """Per-intent rows of a Rasa intent report (the rows with a support count)."""
    return {
        name: vals
        for name, vals in report.items()
        if isinstance(vals, dict) and "support" in vals and name not in SUMMARY_ROWS
    }


def group_scores(scores: dict[str, dict]) -> list[tuple[str, float, int, int]]:
    """(group, mean F1 of its intents, number of intents, test examples) per intent group."""
    group_of = {intent: group for group, intents in INTENT_GROUPS.items() for intent in intents}
    members: dict[str, list[str]] = {}
    for intent in scores:
        members.setdefault(group_of.get(intent, "other"), []).append(intent)
    rows = []
    for group in [*INTENT_GROUPS, "other"]:
        intents = members.get(group)
        if not intents:
            continue
        f1 = sum(scores[i]["f1-score"] for i in intents) / len(intents)
        support = sum(int(scores[i]["support"]) for i in intents)
        rows.append((group, f1, len(intents), support))
    return rows


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


def cmd_advisor(args: argparse.Namespace, settings: Settings) -> int:
    """Advisor accounts for the console: create one, or list them."""
    import getpass
    import os

    from bot.catalog.store import Catalog
    from bot.console.auth import AccountError, Accounts

    catalog = Catalog.open(settings)
    try:
        catalog.migrate()
        accounts = Accounts(catalog.sessions)
        if args.advisor_command == "list":
            for advisor in accounts.all():
                state = "actief" if advisor.active else "uit"
                print(f"{advisor.name:<20} {advisor.role:<10} {state:<7} {advisor.display_name}")
            return 0
        password = os.environ.get("OVERSTAP_ADVISOR_PASSWORD")
        if password is None:
            if not sys.stdin.isatty():
                print(
                    "Fout: geen terminal om het wachtwoord te vragen. "
                    "Zet OVERSTAP_ADVISOR_PASSWORD voor scripts.",
                    file=sys.stderr,
                )
                return 2
            password = getpass.getpass("Wachtwoord (minstens 10 tekens): ")
            if getpass.getpass("Nog een keer: ") != password:
                print("Fout: de twee wachtwoorden zijn niet gelijk.", file=sys.stderr)
                return 2
        try:
            advisor = accounts.create(args.name, password, args.role, args.display_name)
        except AccountError as exc:
            print(f"Fout: {exc}", file=sys.stderr)
            return 2
        print(
            f"Account {advisor.name} ({advisor.role}) is gemaakt. "
            f"Mensen zien de naam {advisor.display_name}."
        )
        print(f"Inloggen: {settings.public_web_url}/adviseur")
        return 0
    finally:
        catalog.close()


def cmd_settings(args: argparse.Namespace, settings: Settings) -> int:
    """Show the settings in effect, or make .env.example and the README's table from the table."""
    from bot import settings as table

    if args.write_docs:
        changed = table.write_docs()
        for path in changed:
            print(f"Bijgewerkt: {path.relative_to(table.PROJECT_ROOT)}")
        if not changed:
            print(".env.example en README.md kloppen al.")
        return 0
    if args.check_docs:
        stale = table.stale_docs()
        for path in stale:
            print(
                f"{path.relative_to(table.PROJECT_ROOT)} wijkt af van bot/settings.py. "
                "Draai: overstap settings --write-docs",
                file=sys.stderr,
            )
        return 1 if stale else 0
    for row in table.table():
        value = row.render(getattr(settings, row.name))
        if row.spec.secret:
            value = "(gezet)" if value else "(leeg)"
        value = re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", value)  # a password in a URL
        print(f"{row.var}={value}")
    return 0


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    """The application database's migrations: check them against the code, or add one."""
    from bot.db import Database, migrate

    database = Database(settings)
    try:
        database.migrate()
        differences = migrate.check(database.engine)
        if args.db_command == "check":
            if differences:
                print(f"De tabellen in de code wijken af van de migraties: {differences}")
                return 1
            print("De migraties maken precies de tabellen uit de code.")
            return 0
        if not differences:
            print("Niets te doen: de migraties maken al precies de tabellen uit de code.")
            return 1
        path = migrate.new_revision(database.engine, args.message)
        print(f"Nieuwe migratie: {path}")
        print("Lees hem na voor je hem gebruikt: autogenerate ziet niet alles (triggers, FTS5).")
        return 0
    finally:
        database.close()


def cmd_nlu_score(args: argparse.Namespace, settings: Settings) -> int:
    results = Path(args.results)
    report_path = results / "intent_report.json"
    if not report_path.exists():
        print(f"Geen NLU-rapport gevonden in {report_path}.", file=sys.stderr)
        return 1
    report = json.loads(report_path.read_text())
    macro = report["macro avg"]["f1-score"]
    weighted = report["weighted avg"]["f1-score"]
    print(f"    intent macro-F1 {macro:.3f}, weighted-F1 {weighted:.3f} (minimum {args.min_f1})")
    scores = intent_scores(report)
    for group, f1, count, support in group_scores(scores):
        print(f"    {group:<16} F1 {f1:.3f} ({count} intents, {support} examples)")
    for name, vals in sorted(scores.items()):
        if vals["f1-score"] < 0.8:
            print(f"    weak intent: {name} F1 {vals['f1-score']:.2f}")
    # Rasa leaves the rule-based SpacyEntityExtractor out of its evaluation: only DIET is scored.
    entity_path = results / "DIETClassifier_report.json"
    if entity_path.exists():
        entities = json.loads(entity_path.read_text())
        if "macro avg" in entities:
            print(f"    entity macro-F1 (DIET) {entities['macro avg']['f1-score']:.3f}")
    plot = results / "intent_confusion_matrix.png"
    if plot.exists():
        print(f"    confusion matrix: {plot}")
    return 0 if macro >= args.min_f1 else 1


IMPORT_ERRORS_SHOWN = 20


class DutchHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help text with a Dutch 'gebruik:' line; descriptions keep their own line breaks."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, prefix or "gebruik: ")


def add_import_parser(csub) -> None:
    from bot.catalog.importers.csvfile import COLUMNS

    columns = "\n".join(
        f"  {name:<18} {column.help}{' (verplicht)' if column.required else ''}"
        for name, column in COLUMNS.items()
    )
    p = csub.add_parser(
        "import",
        help="opleidingen inlezen uit een OOAPI-bestand (JSON) of een CSV-bestand",
        description=(
            "Lees opleidingen in uit een bestand. Alles gaat in één keer:\n"
            "heeft één opleiding een fout, dan wordt niets opgeslagen.\n"
            "Je ziet dan elke fout met de plek in het bestand.\n"
            "Lees je hetzelfde bestand opnieuw in? Dan worden de opleidingen bijgewerkt.\n"
            "Er komen geen dubbele opleidingen bij."
        ),
        epilog=(
            "OOAPI (JSON): programs en courses van OOAPI v5, met hun offerings.\n"
            'Een pagina {"items": [...]}, een lijst, of één program of course.\n'
            "De sector staat in ext.sector of volgt uit fieldsOfStudy.\n\n"
            "CSV: de eerste regel noemt de kolommen. Scheidingsteken , of ;.\n"
            "Een lijst in één cel scheid je met ; (bijvoorbeeld: Zwolle;Deventer).\n"
            "Sla het bestand op als UTF-8. Kolommen:\n"
            f"{columns}\n\n"
            "Uitkomst: 0 als alles goed is, 1 als er fouten zijn (ook met --skip-invalid).\n\n"
            "Voorbeelden:\n"
            "  overstap catalog import aanbod.csv --dry-run\n"
            "  overstap catalog import programs.json --source 'OOAPI Hogeschool X'"
        ),
        formatter_class=DutchHelpFormatter,
        add_help=False,
    )
    where = p.add_argument_group("bestand")
    where.add_argument("path", metavar="PAD", help="het bestand om in te lezen")
    options = p.add_argument_group("opties")
    options.add_argument(
        "--format",
        choices=["ooapi", "csv"],
        help="soort bestand (standaard: volgt uit de naam of de inhoud)",
    )
    options.add_argument(
        "--skip-invalid",
        action="store_true",
        help="sla opleidingen met fouten over en lees de goede wel in",
    )
    options.add_argument("--dry-run", action="store_true", help="alleen controleren, niets opslaan")
    options.add_argument(
        "--source",
        metavar="TEKST",
        help="bron van de gegevens (standaard: soort en naam van het bestand)",
    )
    options.add_argument(
        "--provider",
        metavar="NAAM",
        help="naam van de aanbieder, als het bestand die niet noemt",
    )
    options.add_argument("--quiet", action="store_true", help="geen voortgangsbalk tonen")
    options.add_argument("-h", "--help", action="help", help="deze uitleg tonen en stoppen")


def add_careers_parser(sub) -> None:
    from bot.careers.build import add_arguments

    p = sub.add_parser("careers", help="werk naar werk: de kopie van ESCO maken, ander werk tonen")
    rsub = p.add_subparsers(dest="careers_command", required=True, metavar="ACTION")
    add_arguments(
        rsub.add_parser(
            "build",
            help="de compacte kopie van ESCO in data/careers/ maken uit de CSV-bestanden van ESCO",
        )
    )
    suggest = rsub.add_parser("suggest", help="ander werk tonen dat past bij een beroep")
    suggest.add_argument("occupation", metavar="BEROEP", help="bijvoorbeeld: buschauffeur")
    suggest.add_argument(
        "--nlqf", help="niveau van het hoogste diploma (NLQF, bijvoorbeeld 2 voor mbo 2)"
    )
    suggest.add_argument("--count", type=int, default=5, help="hoeveel beroepen (standaard 5)")
    p.set_defaults(func=cmd_careers)


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

    p = sub.add_parser(
        "run-prod",
        help="productievorm: meerdere Rasa-instanties achter HAProxy, PostgreSQL, Redis, "
        "RabbitMQ, web-app en worker (Ctrl-C stopt alles)",
    )
    p.set_defaults(func=cmd_run_prod)

    p = sub.add_parser("web", help="alleen de web-app starten (chatpagina)")
    p.set_defaults(func=cmd_web)

    p = sub.add_parser(
        "worker",
        help="achtergrondwerk: gebeurtenissen uit RabbitMQ voor de console, outbox, "
        "time-outs van overdrachten",
    )
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("build-nlp", help="de Nederlandse spaCy-pipeline opnieuw bouwen")
    p.set_defaults(func=cmd_build_nlp)

    p = sub.add_parser("catalog", help="de catalogus van opleidingen en regelingen beheren")
    csub = p.add_subparsers(dest="catalog_command", required=True, metavar="ACTION")
    csub.add_parser("load", help="de startcatalogus uit data/catalog/ laden (vervangt alles)")
    stats = csub.add_parser("stats", help="overzicht van de catalogus: aantallen per soort")
    stats.add_argument("--json", action="store_true", help="de aantallen als JSON tonen")
    add_import_parser(csub)
    verify = csub.add_parser(
        "verify",
        help="regelingen, onderwerpen en de feiten van UWV (data/careers/demand.yml) controleren: "
        "bron, status of zekerheid, datum van laatste controle",
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

    p = sub.add_parser("advisor", help="accounts van adviseurs voor de console (/adviseur)")
    asub = p.add_subparsers(dest="advisor_command", required=True, metavar="ACTION")
    create = asub.add_parser(
        "create",
        help="een account maken (wachtwoord: gevraagd, of uit OVERSTAP_ADVISOR_PASSWORD)",
    )
    create.add_argument("name", metavar="NAAM", help="inlognaam (kleine letters)")
    create.add_argument(
        "--role",
        choices=["adviseur", "beheerder"],
        default="adviseur",
        help="beheerder mag ook gesprekken verwijderen en accounts beheren",
    )
    create.add_argument(
        "--display-name", metavar="VOORNAAM", help="de naam die een persoon ziet (standaard NAAM)"
    )
    asub.add_parser("list", help="alle accounts tonen")
    p.set_defaults(func=cmd_advisor)
    p = sub.add_parser("whatsapp", help="de gegevens van het WhatsApp-kanaal beheren")
    wsub = p.add_subparsers(dest="whatsapp_command", required=True, metavar="ACTION")
    wsub.add_parser(
        "purge",
        help="verwijderen wat langer bewaard is dan OVERSTAP_WHATSAPP_RETENTION_DAYS en "
        "OVERSTAP_WHATSAPP_CONTACT_RETENTION_DAYS toestaan (dat gebeurt ook elk uur vanzelf)",
    )
    p.set_defaults(func=cmd_whatsapp)

    p = sub.add_parser(
        "settings",
        help="de instellingen tonen (geheimen verborgen), of .env.example en de tabel in "
        "README.md opnieuw maken uit bot/settings.py",
    )
    docs = p.add_mutually_exclusive_group()
    docs.add_argument(
        "--write-docs", action="store_true", help=".env.example en README.md bijwerken"
    )
    docs.add_argument(
        "--check-docs",
        action="store_true",
        help="controleren of .env.example en README.md kloppen (uitkomst 1 als niet)",
    )
    p.set_defaults(func=cmd_settings)

    p = sub.add_parser("db", help="migraties van de database: controleren of een nieuwe maken")
    dsub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    dsub.add_parser("check", help="controleren of de migraties de tabellen uit de code maken")
    revision = dsub.add_parser(
        "revision", help="een nieuwe migratie maken voor wat de code anders heeft (autogenerate)"
    )
    revision.add_argument("message", metavar="WAT", help="korte beschrijving, in het Engels")
    p.set_defaults(func=cmd_db)

    add_careers_parser(sub)

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
