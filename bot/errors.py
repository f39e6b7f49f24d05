"""The exception tree of the overstap package, translated to Dutch at the edges."""


class OverstapError(Exception):
    """Base of every error the project raises on purpose."""


class ConfigError(OverstapError):
    """A setting has a bad value. The message is Dutch and names the variable."""


class CatalogError(OverstapError):
    """The catalog store failed or holds bad data."""


class CatalogUnavailable(CatalogError):
    """The database could not be reached in time."""


class CatalogImportError(CatalogError):
    """A catalog file could not be imported; the message names the file and the place."""


class SetupError(OverstapError):
    """A set-up step (pipeline, database, training) failed."""


class RasaUnavailable(OverstapError):
    """Rasa's HTTP API did not answer in time, or answered with an error."""
