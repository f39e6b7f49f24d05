"""The exception tree of the overstap package, translated to Dutch at the edges.

Every exception the project raises on purpose is defined here and derives from OverstapError,
so one `except OverstapError` at an edge (the CLI, a web handler, an action) catches them all.
Messages meant for a person or an operator are Dutch; the ones only logged say no more than
the error's class (a message text must never reach a log).

    OverstapError
    ├── ConfigError                  a setting has a bad value
    ├── SetupError                   a set-up step failed
    ├── DatabaseUnavailable          the application database did not answer in time
    │   └── TrackerDatabaseUnreachable   the same for Rasa's tracker store
    ├── RasaUnavailable              Rasa's HTTP API did not answer or refused
    ├── StoreUnavailable             an action's store call failed or took too long
    ├── CatalogError                 the catalog holds bad data
    │   └── CatalogImportError       a catalog file could not be imported
    │       └── InvalidValue         one value in an imported record is wrong
    ├── HandoffError
    │   └── NotYours                 the request is not (or no longer) this adviser's
    ├── AccountError                 an adviser account cannot be made or changed
    ├── RateLimited                  too many failed logins
    ├── ReviewError                  a label or note on a conversation is not valid
    ├── WhatsAppError
    │   ├── GraphError               a WhatsApp send failed for good
    │   └── AgentNotReady            Rasa has no model yet; the message waits in the inbox
    └── CareersError                 the work-to-work data is missing, bad or cannot be built
"""

from __future__ import annotations


class OverstapError(Exception):
    """Base of every error the project raises on purpose."""


class ConfigError(OverstapError):
    """A setting has a bad value. The message is Dutch and names the variable."""


class SetupError(OverstapError):
    """A set-up step (pipeline, database, training) failed."""


class DatabaseUnavailable(OverstapError):
    """The application database could not be reached in time (bot.db)."""


class TrackerDatabaseUnreachable(DatabaseUnavailable):
    """The tracker database could not be reached; the message says only the error's class."""


class RasaUnavailable(OverstapError):
    """Rasa's HTTP API did not answer in time, answered with an error, or refused the token."""


class StoreUnavailable(OverstapError):
    """A store call of a custom action failed or took too long; the action apologises in Dutch."""


class CatalogError(OverstapError):
    """The catalog store holds bad data or was asked for something it cannot do."""


class CatalogImportError(CatalogError):
    """A catalog file could not be imported; the message names the file and the place."""


class InvalidValue(CatalogImportError):
    """One value of an imported record is wrong; the message is Dutch and says what is expected.

    The importers catch it per record and report it with its place in the file.
    """


class HandoffError(OverstapError):
    """A handoff request cannot be changed the way it was asked."""


class NotYours(HandoffError):
    """The request is not (or no longer) taken by this advisor."""


class AccountError(OverstapError):
    """An advisor account cannot be made or changed; the message is Dutch."""


class RateLimited(OverstapError):
    """Too many failed logins for this account or address; try again later."""


class ReviewError(OverstapError):
    """A label or a note on a conversation is not valid; the message is Dutch."""


class WhatsAppError(OverstapError):
    """The WhatsApp channel could not do what it was asked."""


class GraphError(WhatsAppError):
    """A send that failed for good. `code` is Meta's error code when it gave one."""

    def __init__(self, status: int, code: int | None, title: str):
        super().__init__(f"WhatsApp send failed: HTTP {status}, error code {code}")
        self.status = status
        self.code = code
        self.title = title


class AgentNotReady(WhatsAppError):
    """Rasa has no model loaded yet: the message waits in the inbox."""


class CareersError(OverstapError):
    """The work-to-work data (data/careers/) is missing, bad, or could not be built."""
