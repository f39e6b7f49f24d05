"""The `overstap` command and its twin `python -m bot`."""

import json
import subprocess
import sys

from bot.cli import main


def test_help_lists_the_subcommands(capsys) -> None:
    try:
        main(["--help"])
    except SystemExit as exc:
        assert exc.code == 0
    out = capsys.readouterr().out
    for command in ("setup", "run", "web", "catalog", "build-nlp", "nlu-score", "whatsapp"):
        assert command in out


def test_python_m_bot_is_the_same_command(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "catalog", "stats", "--json"],
        env={"OVERSTAP_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["courses"] == 0  # a new database, migrated, still empty


def test_bad_setting_gives_a_dutch_error_and_exit_code_2(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "catalog", "stats"],
        env={"OVERSTAP_VAR_DIR": str(tmp_path), "OVERSTAP_WEB_PORT": "nul", "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "geen geheel getal" in result.stderr


def test_nlu_score_checks_the_threshold(tmp_path) -> None:
    report = {
        "macro avg": {"f1-score": 0.8},
        "weighted avg": {"f1-score": 0.9},
        "greet": {"f1-score": 0.7, "support": 3},
    }
    (tmp_path / "intent_report.json").write_text(json.dumps(report))
    assert main(["nlu-score", str(tmp_path), "--min-f1", "0.75"]) == 0
    assert main(["nlu-score", str(tmp_path), "--min-f1", "0.85"]) == 1


def test_nlu_score_prints_the_f1_per_intent_group(tmp_path, capsys) -> None:
    report = {
        "macro avg": {"f1-score": 0.9},
        "weighted avg": {"f1-score": 0.9},
        "inform": {"f1-score": 1.0, "support": 10},
        "dont_know": {"f1-score": 0.8, "support": 5},
        "ask_scheme": {"f1-score": 0.6, "support": 4},
        "made_up_intent": {"f1-score": 0.5, "support": 2},
    }
    (tmp_path / "intent_report.json").write_text(json.dumps(report))
    assert main(["nlu-score", str(tmp_path), "--min-f1", "0"]) == 0
    out = capsys.readouterr().out
    assert "profile answers  F1 0.900 (2 intents, 15 examples)" in out
    assert "schemes          F1 0.600 (1 intents, 4 examples)" in out
    assert "other            F1 0.500 (1 intents, 2 examples)" in out
    assert "weak intent: ask_scheme F1 0.60" in out


def test_whatsapp_purge_deletes_what_is_past_its_retention(tmp_path) -> None:
    import datetime as dt

    from sqlalchemy import text

    from bot.db import create_engine
    from bot.db.erasure import message_key
    from bot.settings import Settings
    from bot.whatsapp.identity import Identity
    from bot.whatsapp.store import WhatsAppStore

    env = {"OVERSTAP_VAR_DIR": str(tmp_path), "OVERSTAP_PSEUDONYM_KEY": "cli-test-key"}
    settings = Settings.from_env(env)
    store = WhatsAppStore(create_engine(settings), Identity("cli-test-key"))
    store.migrate()
    store.record_sent("wamid.cli.old", "wa-someone")
    store.record_sent("wamid.cli.new", "wa-someone")
    with store.engine.begin() as conn:
        conn.execute(
            text("UPDATE whatsapp_message_status SET updated_at = :t WHERE message_id = :m"),
            {"t": dt.datetime(2000, 1, 1), "m": message_key("wamid.cli.old")},
        )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "whatsapp", "purge"],
        env={**env, "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "bezorgstatussen 1," in result.stdout and "contacten 0," in result.stdout
    assert store.status_of("wamid.cli.old") is None and store.status_of("wamid.cli.new")
    store.close()
