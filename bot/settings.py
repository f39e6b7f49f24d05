"""Every setting of Overstap, read from OVERSTAP_* environment variables."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path

from bot.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GRAPH_URL = "https://graph.facebook.com/v21.0"
DEFAULT_OFFICE_HOURS = "ma-vr 09:00-17:00"


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on", "ja"}:
        return True
    if value in {"0", "false", "no", "off", "nee", ""}:
        return False
    raise ConfigError(f"{name}={raw!r} is geen geldige ja/nee-waarde (gebruik true of false).")


def _int(name: str, raw: str, minimum: int = 0, maximum: int = 1_000_000) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is geen geheel getal.") from None
    if not minimum <= value <= maximum:
        raise ConfigError(f"{name}={value} moet tussen {minimum} en {maximum} liggen.")
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
    return tuple(part.strip() for part in raw.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    """Typed settings. Secrets are excluded from repr so they never end up in logs."""

    var_dir: Path = PROJECT_ROOT / "var"
    models_dir: Path = PROJECT_ROOT / "models"
    database_url: str = ""
    tracker_url: str = ""
    redis_url: str = ""
    host: str = "127.0.0.1"
    rasa_port: int = 5005
    actions_port: int = 5055
    web_port: int = 8000
    public_rasa_url: str = ""
    public_web_url: str = ""
    allowed_origins: tuple[str, ...] = ()
    db_timeout_s: float = 3.0
    http_timeout_s: float = 5.0
    sql_pool_size: int = 5
    sql_max_overflow: int = 10
    tracker_window_turns: int = 12
    log_level: str = "INFO"
    rasa_token: str = field(default="", repr=False)
    secret_key: str = field(default="", repr=False)
    results_per_page: int = 3
    verify_max_age_days: int = 180
    # Key for the pseudonyms of chat users (WhatsApp numbers); falls back to secret_key.
    pseudonym_key: str = field(default="", repr=False)
    whatsapp_verify_token: str = field(default="", repr=False)
    whatsapp_app_secret: str = field(default="", repr=False)
    whatsapp_access_token: str = field(default="", repr=False)
    whatsapp_phone_number_id: str = ""
    whatsapp_graph_url: str = DEFAULT_GRAPH_URL
    office_hours: str = DEFAULT_OFFICE_HOURS
    office_holidays: bool = True
    handoff_wait_minutes: int = 10
    console_session_minutes: int = 30
    # Finished inbox rows (only ids kept against redelivery) and delivery statuses are deleted
    # after this many days; contacts (encrypted number) after this many days without a message.
    whatsapp_retention_days: int = 30
    whatsapp_contact_retention_days: int = 90
    # Production shape (`overstap run-prod`): RabbitMQ as Rasa's event broker, Rasa instances.
    rabbitmq_url: str = field(default="", repr=False)
    event_queue: str = "overstap_events"
    rasa_instances: int = 2
    web_worker: bool = True
    # Where the web app and the worker reach Rasa's HTTP API when it is not on `host` (a
    # Kubernetes service); empty = http://host:rasa_port.
    rasa_api_url: str = ""

    @property
    def rasa_url(self) -> str:
        return self.rasa_api_url or f"http://{self.host}:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.host}:{self.actions_port}/webhook"

    @property
    def hours(self):
        """The parsed office hours (bot.handoff.hours.OfficeHours)."""
        from bot.handoff.hours import OfficeHours

        return OfficeHours.parse(self.office_hours, holidays=self.office_holidays)

    @property
    def spacy_model_dir(self) -> Path:
        return self.models_dir / "spacy" / "nl_overstap"

    def env_for_children(self) -> dict[str, str]:
        """The OVERSTAP_* variables that reproduce these settings in a child process."""
        env = {
            "OVERSTAP_VAR_DIR": str(self.var_dir),
            "OVERSTAP_MODELS_DIR": str(self.models_dir),
            "OVERSTAP_DATABASE_URL": self.database_url,
            "OVERSTAP_TRACKER_URL": self.tracker_url,
            "OVERSTAP_REDIS_URL": self.redis_url,
            "OVERSTAP_TRACKER_WINDOW_TURNS": str(self.tracker_window_turns),
            "OVERSTAP_HOST": self.host,
            "OVERSTAP_RASA_PORT": str(self.rasa_port),
            "OVERSTAP_ACTIONS_PORT": str(self.actions_port),
            "OVERSTAP_WEB_PORT": str(self.web_port),
            "OVERSTAP_PUBLIC_RASA_URL": self.public_rasa_url,
            "OVERSTAP_PUBLIC_WEB_URL": self.public_web_url,
            "OVERSTAP_ALLOWED_ORIGINS": ",".join(self.allowed_origins),
            "OVERSTAP_DB_TIMEOUT": str(self.db_timeout_s),
            "OVERSTAP_HTTP_TIMEOUT": str(self.http_timeout_s),
            "OVERSTAP_LOG_LEVEL": self.log_level,
            "OVERSTAP_RASA_TOKEN": self.rasa_token,
            "OVERSTAP_SECRET_KEY": self.secret_key,
            "OVERSTAP_PSEUDONYM_KEY": self.pseudonym_key,
            "OVERSTAP_WHATSAPP_VERIFY_TOKEN": self.whatsapp_verify_token,
            "OVERSTAP_WHATSAPP_APP_SECRET": self.whatsapp_app_secret,
            "OVERSTAP_WHATSAPP_ACCESS_TOKEN": self.whatsapp_access_token,
            "OVERSTAP_WHATSAPP_PHONE_NUMBER_ID": self.whatsapp_phone_number_id,
            "OVERSTAP_WHATSAPP_GRAPH_URL": self.whatsapp_graph_url,
            "OVERSTAP_OFFICE_HOURS": self.office_hours,
            "OVERSTAP_OFFICE_HOLIDAYS": "ja" if self.office_holidays else "nee",
            "OVERSTAP_HANDOFF_WAIT_MINUTES": str(self.handoff_wait_minutes),
            "OVERSTAP_CONSOLE_SESSION_MINUTES": str(self.console_session_minutes),
            "OVERSTAP_WHATSAPP_RETENTION_DAYS": str(self.whatsapp_retention_days),
            "OVERSTAP_WHATSAPP_CONTACT_RETENTION_DAYS": str(self.whatsapp_contact_retention_days),
            "OVERSTAP_RABBITMQ_URL": self.rabbitmq_url,
            "OVERSTAP_EVENT_QUEUE": self.event_queue,
            "OVERSTAP_RASA_INSTANCES": str(self.rasa_instances),
            "OVERSTAP_WEB_WORKER": "ja" if self.web_worker else "nee",
            "OVERSTAP_RASA_API_URL": self.rasa_api_url,
        }
        return env

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)

        def get(name: str, default: str = "") -> str:
            return env.get(f"OVERSTAP_{name}", default)

        var_dir = Path(get("VAR_DIR", str(PROJECT_ROOT / "var"))).resolve()
        models_dir = Path(get("MODELS_DIR", str(PROJECT_ROOT / "models"))).resolve()
        host = get("HOST", "127.0.0.1")
        rasa_port = _int("OVERSTAP_RASA_PORT", get("RASA_PORT", "5005"), 1, 65535)
        actions_port = _int("OVERSTAP_ACTIONS_PORT", get("ACTIONS_PORT", "5055"), 1, 65535)
        web_port = _int("OVERSTAP_WEB_PORT", get("WEB_PORT", "8000"), 1, 65535)
        if len({rasa_port, actions_port, web_port}) != 3:
            raise ConfigError("OVERSTAP_RASA_PORT, _ACTIONS_PORT en _WEB_PORT moeten verschillen.")
        public_web = get("PUBLIC_WEB_URL", f"http://localhost:{web_port}").rstrip("/")
        public_rasa = get("PUBLIC_RASA_URL", f"http://localhost:{rasa_port}").rstrip("/")
        default_origins = f"{public_web},http://127.0.0.1:{web_port},http://localhost:{web_port}"
        origins = _list(get("ALLOWED_ORIGINS", default_origins))
        for origin in origins:
            if not origin.startswith(("http://", "https://")) and origin != "*":
                raise ConfigError(
                    f"OVERSTAP_ALLOWED_ORIGINS: {origin!r} moet met http(s):// beginnen."
                )

        database_url = get("DATABASE_URL", f"sqlite:///{var_dir / 'overstap.db'}")
        tracker_url = get("TRACKER_URL", f"sqlite:///{var_dir / 'tracker.db'}")
        for name, url in (("DATABASE_URL", database_url), ("TRACKER_URL", tracker_url)):
            if not url.startswith(("sqlite:///", "postgresql://", "postgresql+psycopg2://")):
                raise ConfigError(f"OVERSTAP_{name} moet met sqlite:/// of postgresql:// beginnen.")
        graph_url = get("WHATSAPP_GRAPH_URL", DEFAULT_GRAPH_URL).rstrip("/") or DEFAULT_GRAPH_URL
        if not graph_url.startswith(("http://", "https://")):
            raise ConfigError("OVERSTAP_WHATSAPP_GRAPH_URL moet met http(s):// beginnen.")
        phone_number_id = get("WHATSAPP_PHONE_NUMBER_ID", "").strip()
        if phone_number_id and not phone_number_id.isdigit():
            raise ConfigError("OVERSTAP_WHATSAPP_PHONE_NUMBER_ID mag alleen cijfers bevatten.")
        office_hours = get("OFFICE_HOURS", DEFAULT_OFFICE_HOURS)
        from bot.handoff.hours import OfficeHours

        OfficeHours.parse(office_hours)  # fails loudly on a bad value
        office_holidays = _bool("OVERSTAP_OFFICE_HOLIDAYS", get("OFFICE_HOLIDAYS", "ja"))
        # Meta redelivers a webhook for up to 7 days: a message id must be kept longer than
        # that, or a late redelivery would be answered a second time.
        retention_days = _int(
            "OVERSTAP_WHATSAPP_RETENTION_DAYS", get("WHATSAPP_RETENTION_DAYS", "30"), 8, 3650
        )
        contact_retention_days = _int(
            "OVERSTAP_WHATSAPP_CONTACT_RETENTION_DAYS",
            get("WHATSAPP_CONTACT_RETENTION_DAYS", "90"),
            2,
            3650,
        )
        rabbitmq_url = get("RABBITMQ_URL", "").strip()
        if rabbitmq_url and not rabbitmq_url.startswith(("amqp://", "amqps://")):
            raise ConfigError("OVERSTAP_RABBITMQ_URL moet met amqp:// of amqps:// beginnen.")
        event_queue = get("EVENT_QUEUE", "overstap_events").strip() or "overstap_events"
        rasa_api_url = get("RASA_API_URL", "").strip().rstrip("/")
        if rasa_api_url and not rasa_api_url.startswith(("http://", "https://")):
            raise ConfigError("OVERSTAP_RASA_API_URL moet met http(s):// beginnen.")
        log_level = get("LOG_LEVEL", "INFO").upper()
        if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ConfigError(
                f"OVERSTAP_LOG_LEVEL={log_level!r}: kies DEBUG, INFO, WARNING of ERROR."
            )

        return cls(
            var_dir=var_dir,
            models_dir=models_dir,
            database_url=database_url,
            tracker_url=tracker_url,
            redis_url=get("REDIS_URL", ""),
            host=host,
            rasa_port=rasa_port,
            actions_port=actions_port,
            web_port=web_port,
            public_rasa_url=public_rasa,
            public_web_url=public_web,
            allowed_origins=origins,
            db_timeout_s=_float("OVERSTAP_DB_TIMEOUT", get("DB_TIMEOUT", "3")),
            http_timeout_s=_float("OVERSTAP_HTTP_TIMEOUT", get("HTTP_TIMEOUT", "5")),
            sql_pool_size=_int("OVERSTAP_SQL_POOL_SIZE", get("SQL_POOL_SIZE", "5"), 1, 200),
            sql_max_overflow=_int(
                "OVERSTAP_SQL_MAX_OVERFLOW", get("SQL_MAX_OVERFLOW", "10"), 0, 500
            ),
            tracker_window_turns=_int(
                "OVERSTAP_TRACKER_WINDOW_TURNS", get("TRACKER_WINDOW_TURNS", "12"), 10, 1000
            ),
            log_level=log_level,
            rasa_token=get("RASA_TOKEN", ""),
            secret_key=get("SECRET_KEY", ""),
            results_per_page=_int("OVERSTAP_RESULTS_PER_PAGE", get("RESULTS_PER_PAGE", "3"), 3, 5),
            verify_max_age_days=_int(
                "OVERSTAP_VERIFY_MAX_AGE_DAYS", get("VERIFY_MAX_AGE_DAYS", "180"), 1, 3650
            ),
            pseudonym_key=get("PSEUDONYM_KEY", ""),
            whatsapp_verify_token=get("WHATSAPP_VERIFY_TOKEN", ""),
            whatsapp_app_secret=get("WHATSAPP_APP_SECRET", ""),
            whatsapp_access_token=get("WHATSAPP_ACCESS_TOKEN", ""),
            whatsapp_phone_number_id=phone_number_id,
            whatsapp_graph_url=graph_url,
            office_hours=office_hours,
            office_holidays=office_holidays,
            handoff_wait_minutes=_int(
                "OVERSTAP_HANDOFF_WAIT_MINUTES", get("HANDOFF_WAIT_MINUTES", "10"), 1, 24 * 60
            ),
            console_session_minutes=_int(
                "OVERSTAP_CONSOLE_SESSION_MINUTES", get("CONSOLE_SESSION_MINUTES", "30"), 5, 12 * 60
            ),
            whatsapp_retention_days=retention_days,
            whatsapp_contact_retention_days=contact_retention_days,
            rabbitmq_url=rabbitmq_url,
            event_queue=event_queue,
            rasa_instances=_int("OVERSTAP_RASA_INSTANCES", get("RASA_INSTANCES", "2"), 1, 16),
            web_worker=_bool("OVERSTAP_WEB_WORKER", get("WEB_WORKER", "ja")),
            rasa_api_url=rasa_api_url,
        )

    def with_secrets(self) -> Settings:
        """Fill missing secrets from files under var/ (created once, mode 0600)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for name, filename in (("rasa_token", "rasa_token"), ("secret_key", "secret_key")):
            if not values[name]:
                values[name] = _read_or_create_secret(self.var_dir / filename)
        if not values["pseudonym_key"]:
            values["pseudonym_key"] = values["secret_key"]
        return Settings(**values)


def _read_or_create_secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value
