"""The `overstap` command (and `python -m bot`): every project task as a subcommand."""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from functools import cache
from pathlib import Path

from bot.errors import ConfigError, OverstapError
from bot.settings import Settings

TEXTS_FILE = Path(__file__).resolve().with_name("cli.yml")


@cache
def texts() -> dict[str, str]:
    """What the command prints, from cli.yml beside this module."""
    import yaml

    data = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, str) and v for v in data.values()):
        raise ConfigError(f"{TEXTS_FILE}: verwacht een lijst van naam: tekst.")
    return data


def say(key: str, **values: object) -> str:
    """The text called `key` in cli.yml, its {names} filled in."""
    return texts()[key].format(**values)


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
            print(say("catalog_loaded", schemes=counts["schemes"], courses=counts["courses"]))
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
        elif args.catalog_command == "update":
            return update_catalog(catalog, args)
    finally:
        catalog.close()
    return 0


def add_update_parser(csub) -> None:
    update = csub.add_parser(
        "update",
        help="de opleidingen van DUO (RIO) ophalen en inlezen: hbo/wo, mbo en korte opleidingen",
        description="Haalt DUO's bestanden op via onderwijsdata.duo.nl (of leest ze uit een map) "
        "en leest elke bron in een keer in. Een kapot of afgebroken bestand verandert niets.",
        epilog="Bestanden in de map (ook als .gz): ho_opleidingsoverzicht.csv, "
        "instellingenho.csv; mbo_opleidingsaanbod.csv, mbo_opleidingsaanbod_cohorten.csv, "
        "instellingenmbo.csv; aangeboden_nfo_opleidingen.csv, "
        "aangeboden_nfo_opleiding_cohorten.csv, onderwijsaanbieders.csv, onderwijslocaties.csv, "
        "nfo_opleidingserkenningen.csv.",
    )
    update.add_argument(
        "--from", dest="from_dir", type=Path, metavar="MAP",
        help="de bestanden uit deze map lezen in plaats van downloaden",
    )  # fmt: skip
    update.add_argument(
        "--source", action="append", choices=sorted(UPDATE_SOURCES),
        help="alleen deze bron (mag vaker); standaard alle drie",
    )  # fmt: skip
    update.add_argument("--downloaded", help="dag van de download (JJJJ-MM-DD) bij --from")
    update.add_argument("--quiet", action="store_true", help="geen voortgangsbalk")


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
            counts = {"inbox": purged.inbox, "statuses": purged.statuses}
            counts.update(contacts=purged.contacts, send_errors=purged.send_errors)
            print(say("purged", outbox=purged.outbox, **counts))
    finally:
        store.close()
    return 0


def cmd_privacy(args: argparse.Namespace, settings: Settings) -> int:
    """Delete every conversation past the retention now (the worker does it hourly)."""
    from bot.console import retention
    from bot.console.transcripts import TrackerStore, tracker_engine
    from bot.db import Database

    settings = settings.with_secrets()
    days = settings.conversation_retention_days
    database = Database(settings)
    tracker = TrackerStore(tracker_engine(settings))
    try:
        database.migrate()
        print(say("purge_start", days=days))
        total = retention.purge_all(
            database.sessions,
            tracker,
            days,
            progress=lambda n: print(say("purge_progress", count=n)),
        )
        if total:
            from bot.console.audit import AuditLog

            detail = say("purge_audit", count=total, days=days)
            AuditLog(database.sessions).record(
                None, "retention_purge", None, detail, advisor_name="overstap privacy purge"
            )
        print(say("purge_done", count=total))
        return 0
    finally:
        tracker.close()
        database.close()


def add_privacy_parser(sub) -> None:
    p = sub.add_parser("privacy", help="bewaartermijn: oude gesprekken verwijderen")
    psub = p.add_subparsers(dest="privacy_command", required=True, metavar="ACTION")
    psub.add_parser(
        "purge",
        help="nu elk gesprek verwijderen waarvan het laatste bericht ouder is dan "
        "OVERSTAP_CONVERSATION_RETENTION_DAYS (dat gebeurt ook elk uur vanzelf); "
        "gesprekken die een adviseur langer bewaart blijven staan",
    )
    p.set_defaults(func=cmd_privacy)


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
            print(say("which_occupation", choices="; ".join(o.label for o in recognised.choices)))
        else:
            print(say("no_occupation", text=args.occupation), file=sys.stderr)
        return 1
    person = recognised.occupation
    print(say("occupation", label=person.label, isco=person.isco, id=person.id))
    for s in careers.suggest(person, args.nlqf, limit=args.count):
        label = s.occupation.label
        print(say("suggestion", score=s.score, label=label, shared=s.shared, needed=s.needed))
        print(say("suggestion_can", skills="; ".join(s.can)))
        print(say("suggestion_learn", skills="; ".join(s.learn)))
        for fact in careers.facts(s.occupation):
            print(
                say("suggestion_fact", published=fact.published, kind=fact.kind, group=fact.group)
            )
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
        print(say("error", error=exc), file=sys.stderr)
        return 1
    for line in report.error_lines(IMPORT_ERRORS_SHOWN):
        print(line, file=sys.stderr)
    print(report.summary())
    return 0 if report.ok else 1


def format_stats(stats: dict) -> str:
    """The catalog counts as a short Dutch overview."""
    from bot.catalog.vocab import DeliveryMode, SchemeStatus, label_of, level_label
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
    lines = [say("stats_courses", count=stats["courses"])]
    lines += block(
        say("stats_by_sector"), by_sector, lambda s: lexicon.label("sector", s, default=s)
    )
    lines += block(say("stats_by_level"), stats["courses_by_nlqf"], level_label)
    modes = stats["courses_by_mode"]
    lines += block(say("stats_by_mode"), modes, lambda m: label_of(DeliveryMode, m))
    lines += format_sources(stats.get("sources", []))
    lines.append(say("stats_schemes", count=stats["schemes"]))
    lines += block(
        say("stats_by_status"), stats["schemes_by_status"], lambda s: label_of(SchemeStatus, s)
    )
    return "\n".join(lines)


def update_catalog(catalog, args: argparse.Namespace) -> int:
    """Import each DUO source in its own transaction; one Dutch line per source."""
    import datetime as dt

    from bot.errors import CatalogImportError

    downloaded = dt.date.fromisoformat(args.downloaded) if args.downloaded else None
    failed = 0
    for name in args.source or list(UPDATE_SOURCES):
        source_id = UPDATE_SOURCES[name]
        try:
            report = catalog.update_source(
                source_id, args.from_dir, downloaded, show_progress=not args.quiet
            )
        except CatalogImportError as exc:
            failed += 1
            print(say("update_failed", source=name, error=exc), file=sys.stderr)
            continue
        print(report.line())
    return 1 if failed else 0


UPDATE_SOURCES = {"ho": "duo-ho", "mbo": "duo-mbo", "nfo": "duo-nfo"}


def format_sources(sources: list[dict]) -> list[str]:
    """Per DUO source: rows, download date, and the shares with a place, website, next start."""
    if not sources:
        return [say("sources_none")]
    return [say("sources_head")] + [say("source_line", **s) for s in sources]


def verify_sources(catalog, max_age: int) -> int:
    """Fails (returns the errors) on a DUO source older than max_age days, or none at all."""
    sources = catalog.sources()
    errors = 0
    if not sources:
        print(say("sources_missing"))
        return 1
    for source in sources:
        if source["age_days"] > max_age:
            errors += 1
            print(say("source_too_old", max_age=max_age, **source))
    print(say("sources_verified", count=len(sources), errors=errors, max_age=max_age))
    return errors


def verify_catalog(catalog, settings: Settings, max_age_days: int | None) -> int:
    import datetime as dt

    from bot.catalog.topics import load_topics, verify_topics
    from bot.catalog.verify import verify

    max_age = max_age_days or settings.verify_max_age_days
    schemes = catalog.schemes()
    problems = verify(schemes, dt.date.today(), max_age)
    for problem in problems:
        label = say("problem_error" if problem.fatal else "problem_warning")
        print(say("scheme_problem", label=label, scheme=problem.scheme_id, message=problem.message))
    topics = load_topics()
    topic_problems = verify_topics(topics, dt.date.today(), max_age)
    for problem in topic_problems:
        print(say("topic_problem", topic=problem.scheme_id, message=problem.message))
    fatal = sum(p.fatal for p in problems) + len(topic_problems)
    counts = {"schemes": len(schemes), "topics": len(topics), "errors": fatal}
    print(say("verified", max_age=max_age, **counts))
    fatal += verify_demand(max_age)
    fatal += verify_sources(catalog, settings.catalog_max_age_days)
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
        label = say("problem_error" if problem.fatal else "problem_warning")
        print(say("fact_problem", label=label, subject=problem.subject, message=problem.message))
    fatal = sum(p.fatal for p in problems)
    print(say("facts_verified", facts=len(facts), errors=fatal))
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
        "request_human", "ask_privacy", "ask_stored_data", "request_erasure", "ask_capabilities", "bot_challenge", "stop",
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
                state = advisor.state_label
                print(f"{advisor.name:<20} {advisor.role:<10} {state:<7} {advisor.display_name}")
            return 0
        password = os.environ.get("OVERSTAP_ADVISOR_PASSWORD")
        if password is None:
            if not sys.stdin.isatty():
                print(say("no_terminal"), file=sys.stderr)
                return 2
            password = getpass.getpass(say("password_prompt"))
            if getpass.getpass(say("password_again")) != password:
                print(say("passwords_differ"), file=sys.stderr)
                return 2
        try:
            advisor = accounts.create(args.name, password, args.role, args.display_name)
        except AccountError as exc:
            print(say("error", error=exc), file=sys.stderr)
            return 2
        made = {"name": advisor.name, "role": advisor.role, "display_name": advisor.display_name}
        print(say("account_created", **made))
        print(say("login_at", url=settings.public_web_url))
        return 0
    finally:
        catalog.close()


def cmd_settings(args: argparse.Namespace, settings: Settings) -> int:
    """Show the settings in effect, or make .env.example and the README's table from the table."""
    from bot import settings as table

    if args.write_docs:
        changed = table.write_docs()
        for path in changed:
            print(say("docs_written", path=path.relative_to(table.PROJECT_ROOT)))
        if not changed:
            print(say("docs_up_to_date"))
        return 0
    if args.check_docs:
        stale = table.stale_docs()
        for path in stale:
            print(say("docs_stale", path=path.relative_to(table.PROJECT_ROOT)), file=sys.stderr)
        return 1 if stale else 0
    for row in table.table():
        value = row.render(getattr(settings, row.name))
        if row.spec.secret:
            value = say("secret_set" if value else "secret_empty")
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
                print(say("db_differs", differences=differences))
                return 1
            print(say("db_matches"))
            return 0
        if not differences:
            print(say("db_nothing_to_do"))
            return 1
        path = migrate.new_revision(database.engine, args.message)
        print(say("db_new_revision", path=path))
        print(say("db_read_it"))
        return 0
    finally:
        database.close()


def cmd_nlu_score(args: argparse.Namespace, settings: Settings) -> int:
    results = Path(args.results)
    report_path = results / "intent_report.json"
    if not report_path.exists():
        print(say("no_nlu_report", path=report_path), file=sys.stderr)
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

    add_service_parsers(sub)
    add_catalog_parser(sub)
    add_advisor_parser(sub)
    add_whatsapp_parser(sub)
    add_settings_parser(sub)
    add_db_parser(sub)
    add_careers_parser(sub)
    add_privacy_parser(sub)

    p = sub.add_parser("nlu-score", help="NLU-rapport lezen en controleren op een minimum")
    p.add_argument("results", help="map met intent_report.json (uitvoer van rasa test nlu)")
    p.add_argument("--min-f1", type=float, default=0.85, help="minimale intent macro-F1")
    p.set_defaults(func=cmd_nlu_score)
    return parser


def add_service_parsers(sub) -> None:
    """setup, run, run-prod, web, worker, build-nlp: building and starting the services."""
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


def add_catalog_parser(sub) -> None:
    """catalog load|stats|import|verify."""
    p = sub.add_parser("catalog", help="de catalogus van opleidingen en regelingen beheren")
    csub = p.add_subparsers(dest="catalog_command", required=True, metavar="ACTION")
    csub.add_parser(
        "load",
        help="de regelingen en de opleidingen van DUO uit data/catalog/ laden (niet over een "
        "nieuwere download heen)",
    )
    add_update_parser(csub)
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
    p.set_defaults(func=cmd_catalog)


def add_advisor_parser(sub) -> None:
    """advisor create|list: the console's accounts."""
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


def add_whatsapp_parser(sub) -> None:
    """whatsapp purge."""
    p = sub.add_parser("whatsapp", help="de gegevens van het WhatsApp-kanaal beheren")
    wsub = p.add_subparsers(dest="whatsapp_command", required=True, metavar="ACTION")
    wsub.add_parser(
        "purge",
        help="verwijderen wat langer bewaard is dan OVERSTAP_WHATSAPP_RETENTION_DAYS en "
        "OVERSTAP_WHATSAPP_CONTACT_RETENTION_DAYS toestaan (dat gebeurt ook elk uur vanzelf)",
    )
    p.set_defaults(func=cmd_whatsapp)


def add_settings_parser(sub) -> None:
    """settings [--write-docs|--check-docs]."""
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


def add_db_parser(sub) -> None:
    """db check|revision."""
    p = sub.add_parser("db", help="migraties van de database: controleren of een nieuwe maken")
    dsub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    dsub.add_parser("check", help="controleren of de migraties de tabellen uit de code maken")
    revision = dsub.add_parser(
        "revision", help="een nieuwe migratie maken voor wat de code anders heeft (autogenerate)"
    )
    revision.add_argument("message", metavar="WAT", help="korte beschrijving, in het Engels")
    p.set_defaults(func=cmd_db)


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
        print(say("error", error=exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
