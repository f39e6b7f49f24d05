"""Every setting of Overstap, declared once: the `Settings` class below is the table.

Each field is one OVERSTAP_* environment variable with its type (the annotation), its default
(as written in the environment; `{name}` stands for another setting's value), its bounds,
whether it is a secret, and its help. From that one table come:

- `Settings.from_env()`: reading and checking the environment (errors in Dutch);
- `Settings.env_for_children()`: the variables that give a child process the same settings;
- `.env.example` and the settings table in README.md (`overstap settings --write-docs`; a test
  fails when the committed files differ from what the table makes).

Also here: the fixed limits that are not settings (MAX_MESSAGE_CHARS) and writing files that
hold secrets (mode 0600).
"""

from __future__ import annotations

import functools
import os
import re
import secrets
import tempfile
import textwrap
import typing
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from bot.errors import ConfigError
from bot.office_hours import OfficeHours


def _project_root() -> Path:
    """The project folder: data/, the Rasa files (config.yml, domain), var/ and models/.

    In a clone (also with `pip install -e .`) that is the package's parent. A package installed
    with `pip install .` lives in site-packages, without the project's data: then it is the
    folder the command runs in, which must be a copy of the project.
    """
    clone = Path(__file__).resolve().parent.parent
    if (clone / "config.yml").is_file() and (clone / "data" / "lexicon").is_dir():
        return clone
    return Path.cwd().resolve()


PROJECT_ROOT = _project_root()
PREFIX = "OVERSTAP_"
# The longest message the project passes on: from a person (any channel) or from an adviser.
MAX_MESSAGE_CHARS = 2000
DEFAULT_GRAPH_URL = "https://graph.facebook.com/v21.0"
DATABASE_SCHEMES = ("sqlite:///", "postgresql://", "postgresql+psycopg2://")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
TRUE_WORDS = frozenset({"1", "true", "yes", "on", "ja"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", "nee", ""})


# -- checks: each takes the variable's name and the parsed value, returns the value to keep ----


def _database_url(var: str, value: str) -> str:
    if not value.startswith(DATABASE_SCHEMES):
        raise ConfigError(f"{var} moet met sqlite:/// of postgresql:// beginnen.")
    return value


def _public_url(var: str, value: str) -> str:
    return value.rstrip("/")


def _graph_url(var: str, value: str) -> str:
    value = value.rstrip("/") or DEFAULT_GRAPH_URL
    if not value.startswith(("http://", "https://")):
        raise ConfigError(f"{var} moet met http(s):// beginnen.")
    return value


def _origins(var: str, value: tuple[str, ...]) -> tuple[str, ...]:
    for origin in value:
        if not origin.startswith(("http://", "https://")) and origin != "*":
            raise ConfigError(f"{var}: {origin!r} moet met http(s):// beginnen.")
    return value


def _digits(var: str, value: str) -> str:
    value = value.strip()
    if value and not value.isdigit():
        raise ConfigError(f"{var} mag alleen cijfers bevatten.")
    return value


def _office_hours(var: str, value: str) -> str:
    OfficeHours.parse(value)  # fails loudly (in Dutch) on a bad value
    return value


def _amqp_url(var: str, value: str) -> str:
    if value and not value.startswith(("amqp://", "amqps://")):
        raise ConfigError(f"{var} moet met amqp:// of amqps:// beginnen.")
    return value


def _http_url(var: str, value: str) -> str:
    value = value.rstrip("/")
    if value and not value.startswith(("http://", "https://")):
        raise ConfigError(f"{var} moet met http(s):// beginnen.")
    return value


def _log_level(var: str, value: str) -> str:
    value = value.upper()
    if value not in LOG_LEVELS:
        raise ConfigError(f"{var}={value!r}: kies DEBUG, INFO, WARNING of ERROR.")
    return value


@dataclass(frozen=True)
class Spec:
    """One row of the settings table (the type is the field's annotation)."""

    default: str  # as written in the environment; "{name}" is another setting's value
    help: str  # one sentence: the README's table and the first comment line in .env.example
    group: str  # the section of .env.example (GROUPS)
    note: str = ""  # more for .env.example only
    minimum: float | None = None
    maximum: float | None = None
    secret: bool = False
    var: str = ""  # the variable when it is not OVERSTAP_<NAME>
    check: Callable[[str, Any], Any] | None = None


def setting(default: str, help: str, group: str, **spec: Any) -> Any:
    """A field of `Settings` with its row of the table; secrets stay out of repr()."""
    row = Spec(default, help, group, **spec)
    return field(repr=not row.secret, metadata={"setting": row})


GROUPS = {
    "files": "Where files go.",
    "storage": "Databases and stores.",
    "network": "Network: the interface to listen on, the three ports, the addresses people use.",
    "secrets": "Secrets. When empty they are generated once into var/ (mode 0600). Never commit "
    "them.",
    "whatsapp": 'WhatsApp Cloud API (see README, "WhatsApp"). Empty = the WhatsApp webhook '
    "refuses all posts.",
    "handoff": "Advisers: office hours, waiting, the console.",
    "chat": "The catalog and the chat.",
    "production": 'Production shape (`overstap run-prod`, README "Production shape").',
}


@dataclass(frozen=True)
class Settings:
    """Typed settings, one field per OVERSTAP_* variable. Secrets are left out of repr()."""

    var_dir: Path = setting(
        "var",
        "Where runtime files go: databases, logs, secrets, the generated endpoints.yml.",
        "files",
        note="A relative path is taken from the current folder; the default is the project's var/.",
    )
    models_dir: Path = setting(
        "models", "Where the trained Rasa model and the built spaCy pipeline live.", "files"
    )
    database_url: str = setting(
        "sqlite:///{var_dir}/overstap.db",
        "Application database (catalog, handoff requests, console, WhatsApp): sqlite:///... or "
        "postgresql://...",
        "storage",
        check=_database_url,
    )
    tracker_url: str = setting(
        "sqlite:///{var_dir}/tracker.db",
        "Rasa tracker store: sqlite:///... or postgresql://...",
        "storage",
        check=_database_url,
    )
    tracker_window_turns: int = setting(
        "12",
        "Turns of a session Rasa reads per message (bot/tracker_store.py).",
        "storage",
        minimum=10,
        maximum=1000,
    )
    conversation_retention_days: int = setting(
        "90",
        "Days after a conversation's last message before it is deleted everywhere.",
        "storage",
        minimum=1,
        maximum=3650,
        note="Hourly, by the worker; `overstap privacy purge` at once. An adviser can keep one longer.",
    )
    redis_url: str = setting(
        "",
        "Redis for the Rasa lock store, socket.io and the rate limits between Rasa instances "
        "(needed with more than one Rasa instance or worker); empty = in memory.",
        "storage",
        note="redis://[:password@]host[:port][/db]; rediss:// for TLS.",
    )
    sql_pool_size: int = setting(
        "5",
        "Connections each SQL store keeps open (Rasa's own default is 50).",
        "storage",
        minimum=1,
        maximum=200,
    )
    sql_max_overflow: int = setting(
        "10",
        "Connections an SQL store may open beyond the pool (Rasa's own default is 100).",
        "storage",
        minimum=0,
        maximum=500,
    )
    db_timeout_s: float = setting(
        "3",
        "Seconds before a database call gives up.",
        "storage",
        var="OVERSTAP_DB_TIMEOUT",
    )
    http_timeout_s: float = setting(
        "5",
        "Seconds before an outbound HTTP call (Rasa's API, WhatsApp) gives up.",
        "storage",
        var="OVERSTAP_HTTP_TIMEOUT",
    )
    action_timeout_s: float = setting(
        "7",
        "Seconds Rasa waits for the action server before the person gets an apology.",
        "storage",
        var="OVERSTAP_ACTION_TIMEOUT",
        minimum=1,
        maximum=120,
        note="Rasa's own wait is 5 minutes. The apology has buttons to try again.",
    )
    host: str = setting("127.0.0.1", "The interface the three processes listen on.", "network")
    rasa_port: int = setting(
        "5005", "Port of the Rasa server.", "network", minimum=1, maximum=65535
    )
    actions_port: int = setting(
        "5055", "Port of the action server.", "network", minimum=1, maximum=65535
    )
    web_port: int = setting(
        "8000",
        "Port of the web app (chat page, widget, console).",
        "network",
        minimum=1,
        maximum=65535,
    )
    public_web_url: str = setting(
        "http://localhost:{web_port}",
        "The web app's URL as people's browsers use it (behind a proxy it differs from "
        "host:port).",
        "network",
        check=_public_url,
    )
    public_rasa_url: str = setting(
        "http://localhost:{rasa_port}",
        "Rasa's URL as people's browsers use it (the widget's socket).",
        "network",
        check=_public_url,
    )
    allowed_origins: tuple[str, ...] = setting(
        "{public_web_url},http://127.0.0.1:{web_port},http://localhost:{web_port}",
        "Origins allowed to open the chat socket and read the history (comma separated).",
        "network",
        check=_origins,
    )
    rasa_token: str = setting(
        "", "Token for Rasa's HTTP API (the API is not open without it).", "secrets", secret=True
    )
    secret_key: str = setting(
        "",
        "Key that signs chat sessions and console cookies, so nobody can join another "
        "person's conversation.",
        "secrets",
        secret=True,
    )
    pseudonym_key: str = setting(
        "",
        "Key for the pseudonyms of WhatsApp users and the encryption of their numbers; empty = "
        "OVERSTAP_SECRET_KEY.",
        "secrets",
        secret=True,
        note="Set it once: a new key starts new conversations and makes stored numbers "
        "unreadable.",
    )
    whatsapp_verify_token: str = setting(
        "",
        "The token you choose and type into Meta's app dashboard for the webhook handshake.",
        "whatsapp",
        secret=True,
    )
    whatsapp_app_secret: str = setting(
        "",
        "App secret (app dashboard > App settings > Basic): checks that a post comes from Meta.",
        "whatsapp",
        secret=True,
    )
    whatsapp_access_token: str = setting(
        "",
        "Access token (system user) that may send messages for the phone number below.",
        "whatsapp",
        secret=True,
    )
    whatsapp_phone_number_id: str = setting(
        "",
        "The phone number ID (digits) from WhatsApp > API setup, not the phone number itself.",
        "whatsapp",
        check=_digits,
    )
    whatsapp_graph_url: str = setting(
        DEFAULT_GRAPH_URL,
        "Graph API base URL with version.",
        "whatsapp",
        check=_graph_url,
    )
    whatsapp_retention_days: int = setting(
        "30",
        "Days a handled WhatsApp message's id and a delivery status are kept (at least 8).",
        "whatsapp",
        minimum=8,
        maximum=3650,
        note="Meta redelivers a webhook for up to 7 days, and a kept id stops a second answer.",
    )
    whatsapp_contact_retention_days: int = setting(
        "90",
        "Days without a message after which a WhatsApp contact and its send errors are deleted.",
        "whatsapp",
        minimum=2,
        maximum=3650,
        note="A contact is the encrypted number and the last menu; writing again makes it anew.",
    )
    office_hours: str = setting(
        "ma-vr 09:00-17:00",
        "When advisers take conversations, in Europe/Amsterdam time.",
        "handoff",
        check=_office_hours,
        note="Days ma di wo do vr za zo as a range or a list, blocks separated by ';'. Example: "
        "ma-do 09:00-17:00; vr 09:00-12:00. Outside them the bot says when advisers work and "
        "offers a call-back.",
    )
    office_holidays: bool = setting(
        "ja",
        "Closed on Dutch public holidays (package holidays; Goede Vrijdag counts as a working "
        "day).",
        "handoff",
    )
    handoff_wait_minutes: int = setting(
        "10",
        "Minutes a handoff request waits in the console's queue before the bot offers a "
        "call-back.",
        "handoff",
        minimum=1,
        maximum=24 * 60,
    )
    console_session_minutes: int = setting(
        "30",
        "Minutes without activity before an adviser must log in to the console again.",
        "handoff",
        minimum=5,
        maximum=12 * 60,
        note="A session never lasts longer than 12 hours.",
    )
    verify_max_age_days: int = setting(
        "180",
        "`overstap catalog verify` fails on a scheme not checked for more than this many days.",
        "chat",
        minimum=1,
        maximum=3650,
    )
    catalog_max_age_days: int = setting(
        "45",
        "`overstap catalog verify` fails on a DUO course source downloaded more than this many "
        "days ago (schemes have OVERSTAP_VERIFY_MAX_AGE_DAYS).",
        "chat",
        minimum=1,
        maximum=3650,
    )
    catalog_update_days: int = setting(
        "0",
        "Days between automatic `overstap catalog update` runs by `overstap worker`; 0 = off.",
        "chat",
        minimum=0,
        maximum=365,
    )
    catalog_ckan_url: str = setting(
        "https://onderwijsdata.duo.nl",
        "DUO's open-data portal (CKAN) that `overstap catalog update` downloads from.",
        "chat",
        check=_http_url,
    )
    results_per_page: int = setting(
        "3", "Course results shown per page in the chat.", "chat", minimum=3, maximum=5
    )
    rate_conversation_per_minute: int = setting(
        "30",
        "Messages one conversation may send per minute (REST, socket.io, WhatsApp); more get a "
        "Dutch 'wait a moment' (HTTP 429 on REST).",
        "chat",
        minimum=1,
        maximum=10000,
        note="Up to this many at once, then this many a minute. Buttons count as messages.",
    )
    rate_address_per_minute: int = setting(
        "300",
        "Messages one client address may send per minute over REST and socket.io.",
        "chat",
        minimum=1,
        maximum=100000,
        note="Generous: a library, school or office puts many people behind one address.",
    )
    chat_max_body_kb: int = setting(
        "64",
        "Largest request body (KB) the REST and socket.io chat inputs read; larger gets 413.",
        "chat",
        minimum=8,
        maximum=3072,
        note="A message is cut to 2,000 characters anyway. WhatsApp's webhook takes up to 3 MB "
        "(Meta's limit), Rasa's HTTP API 1 MB, the web app 1 MB.",
    )
    log_level: str = setting(
        "INFO",
        "DEBUG, INFO, WARNING or ERROR. No message text is logged at INFO.",
        "chat",
        check=_log_level,
    )

    rabbitmq_url: str = setting(
        "",
        "RabbitMQ as Rasa's event broker (amqp://user:password@host:5672/vhost); empty = no "
        "broker, the console reads the trackers.",
        "production",
        secret=True,
        check=_amqp_url,
    )
    event_queue: str = setting(
        "overstap_events",
        "The RabbitMQ fanout exchange Rasa publishes its events to and the durable queue of the "
        "same name the worker reads them from.",
        "production",
        note="One name per deployment on a shared RabbitMQ.",
    )
    rasa_instances: int = setting(
        "2",
        "Rasa instances `overstap run-prod` starts behind HAProxy.",
        "production",
        minimum=1,
        maximum=16,
    )
    web_worker: bool = setting(
        "ja",
        "Whether the web app runs the handoff time-outs and the retention purge itself (ja), or "
        "leaves them to `overstap worker` (nee; `make run-prod` sets nee).",
        "production",
    )
    rasa_api_url: str = setting(
        "",
        "Where the web app and the worker reach Rasa's HTTP API when not on host:rasa_port "
        "(a Kubernetes service); empty = http://host:rasa_port.",
        "production",
        check=_http_url,
    )

    # -- derived values ----------------------------------------------------------------------

    @property
    def rasa_url(self) -> str:
        return self.rasa_api_url or f"http://{self.host}:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.host}:{self.actions_port}/webhook"

    @property
    def hours(self) -> OfficeHours:
        """The parsed office hours."""
        return OfficeHours.parse(self.office_hours, holidays=self.office_holidays)

    @property
    def spacy_model_dir(self) -> Path:
        return self.models_dir / "spacy" / "nl_overstap"

    # -- from and to the environment ---------------------------------------------------------

    @classmethod
    def from_env(cls, environ: typing.Mapping[str, str] | None = None) -> Settings:
        """The settings from OVERSTAP_* variables; raises ConfigError (Dutch) on a bad value."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for row in table():
            raw = env.get(row.var)
            if raw is None:
                raw = row.spec.default.format(**values)
                if row.kind is Path:
                    raw = str(PROJECT_ROOT / raw)
            values[row.name] = row.parse(raw)
        if len({values["rasa_port"], values["actions_port"], values["web_port"]}) != 3:
            raise ConfigError("OVERSTAP_RASA_PORT, _ACTIONS_PORT en _WEB_PORT moeten verschillen.")
        return cls(**values)

    def env_for_children(self) -> dict[str, str]:
        """Every OVERSTAP_* variable, so that a child process reads exactly these settings."""
        return {row.var: row.render(getattr(self, row.name)) for row in table()}

    def with_secrets(self) -> Settings:
        """Fill missing secrets from files under var/ (created once, mode 0600)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for name, filename in (("rasa_token", "rasa_token"), ("secret_key", "secret_key")):
            if not values[name]:
                values[name] = _read_or_create_secret(self.var_dir / filename)
        if not values["pseudonym_key"]:
            values["pseudonym_key"] = values["secret_key"]
        return Settings(**values)


# -- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    name: str
    kind: Any  # str, int, float, bool, Path or tuple (of str)
    spec: Spec

    @property
    def var(self) -> str:
        return self.spec.var or PREFIX + self.name.upper()

    def parse(self, raw: str) -> Any:
        """The typed value of a variable, checked; ConfigError names the variable."""
        var, spec = self.var, self.spec
        if self.kind is bool:
            value: Any = _bool(var, raw)
        elif self.kind is int:
            value = _int(var, raw, spec.minimum, spec.maximum)
        elif self.kind is float:
            value = _float(var, raw)
        elif self.kind is Path:
            value = Path(raw).resolve()
        elif self.kind is tuple:
            value = _list(raw)
        else:
            value = raw
        return spec.check(var, value) if spec.check else value

    def render(self, value: Any) -> str:
        """The value as written in the environment; `parse` reads it back to the same value."""
        if self.kind is bool:
            return "ja" if value else "nee"
        if self.kind is tuple:
            return ",".join(value)
        return str(value)

    def allowed(self) -> str:
        """The values it takes, for the documentation: '3 to 5', 'ja or nee'."""
        if self.kind is bool:
            return "ja or nee"
        if self.kind is int:
            low = 0 if self.spec.minimum is None else int(self.spec.minimum)
            high = 1_000_000 if self.spec.maximum is None else int(self.spec.maximum)
            return f"{low} to {high}"
        if self.kind is float:
            return "more than 0"
        return ""

    def documented_default(self) -> str:
        """The default as .env.example and the README show it: other settings at their defaults."""
        text = self.spec.default
        rows = {row.name: row for row in table()}
        while match := re.search(r"\{(\w+)\}", text):
            text = text.replace(match.group(0), rows[match.group(1)].spec.default)
        return ",".join(_list(text)) if self.kind is tuple else text


@functools.lru_cache(maxsize=1)
def table() -> tuple[Row, ...]:
    """The rows of the settings table, in the order they are read."""
    hints = typing.get_type_hints(Settings)
    return tuple(
        Row(f.name, typing.get_origin(hints[f.name]) or hints[f.name], f.metadata["setting"])
        for f in fields(Settings)
    )


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}={raw!r} is geen geldige ja/nee-waarde (gebruik true of false).")


def _int(name: str, raw: str, minimum: float | None, maximum: float | None) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is geen geheel getal.") from None
    low = 0 if minimum is None else int(minimum)
    high = 1_000_000 if maximum is None else int(maximum)
    if not low <= value <= high:
        raise ConfigError(f"{name}={value} moet tussen {low} en {high} liggen.")
    return value


def _float(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is geen getal.") from None
    if value <= 0:
        raise ConfigError(f"{name}={value} moet groter dan 0 zijn.")
    return value


def _list(raw: str) -> tuple[str, ...]:
    """Comma separated, each item once, in the order given."""
    return tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))


# -- the documentation made from the table -----------------------------------------------------

ENV_EXAMPLE = PROJECT_ROOT / ".env.example"
README = PROJECT_ROOT / "README.md"
README_START = "<!-- settings table: made by `overstap settings --write-docs`, do not edit -->"
README_END = "<!-- end of the settings table -->"
ENV_EXAMPLE_HEAD = """\
# Every setting of Overstap. All are optional: without them `make run` uses the embedded
# defaults (SQLite files under var/, in-memory lock store, ports 5005/5055/8000).
# Copy to .env and export, or set them in your service manager.
# Made from bot/settings.py by `overstap settings --write-docs`; do not edit by hand.
"""
ENV_EXAMPLE_TAIL = """
# Not a setting, only for scripts: the password `overstap advisor create` uses instead of
# asking twice. Never leave it set in a shell or a service file.
# OVERSTAP_ADVISOR_PASSWORD=
"""


def _comment(text: str) -> list[str]:
    return textwrap.wrap(text, 98, initial_indent="# ", subsequent_indent="# ")


def env_example() -> str:
    """The text of .env.example: every setting at its default, grouped, with its help."""
    lines = [ENV_EXAMPLE_HEAD.rstrip("\n")]
    group = None
    for row in table():
        if row.spec.group != group:
            group = row.spec.group
            lines += ["", *_comment(GROUPS[group])]
        allowed = f"({row.allowed()})" if row.allowed() else ""
        lines += _comment(" ".join(p for p in (row.spec.help, allowed, row.spec.note) if p))
        lines.append(f"{row.var}={row.documented_default()}")
    return "\n".join(lines) + "\n" + ENV_EXAMPLE_TAIL


def readme_table() -> str:
    """The settings table of README.md, between its two marker comments."""
    lines = [README_START, "", "| variable | default | values | what |", "|---|---|---|---|"]
    for row in table():
        default = row.documented_default()
        if row.spec.secret:
            shown = "generated into `var/`" if row.name in GENERATED_SECRETS else "empty"
        else:
            shown = f"`{default}`" if default else "empty"
        help_text = row.spec.help.replace("|", "\\|")
        lines.append(f"| `{row.var}` | {shown} | {row.allowed()} | {help_text} |")
    return "\n".join([*lines, "", README_END])


GENERATED_SECRETS = frozenset({"rasa_token", "secret_key"})


def _readme_with_table(readme: str) -> str:
    start, end = readme.find(README_START), readme.find(README_END)
    if start < 0 or end < start:
        raise ConfigError(f"README.md mist de regels {README_START} en {README_END}.")
    return readme[:start] + readme_table() + readme[end + len(README_END) :]


def stale_docs(root: Path = PROJECT_ROOT) -> list[Path]:
    """The documentation files that differ from what the settings table makes."""
    stale = []
    env_file, readme = root / ENV_EXAMPLE.name, root / README.name
    if not env_file.exists() or env_file.read_text() != env_example():
        stale.append(env_file)
    text = readme.read_text()
    if _readme_with_table(text) != text:
        stale.append(readme)
    return stale


def write_docs(root: Path = PROJECT_ROOT) -> list[Path]:
    """Write .env.example and the README's settings table; returns the files that changed."""
    changed = stale_docs(root)
    for path in changed:
        if path.name == README.name:
            path.write_text(_readme_with_table(path.read_text()))
        else:
            path.write_text(env_example())
    return changed


# -- secrets on disk ---------------------------------------------------------------------------


def write_private(path: Path, text: str) -> Path:
    """Write a file only its owner can read (mode 0600), also when it existed with another mode.

    The text goes to a new file in the same folder that is renamed over the old one, so no
    reader ever sees half a file or a moment with a wider mode.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _read_or_create_secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value
