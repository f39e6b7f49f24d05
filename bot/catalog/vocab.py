"""The catalog's vocabularies with the Dutch label a person or an adviser reads for each value:
how a course is given (OOAPI modeOfDelivery) and where a scheme stands (its status). The values
compare equal to the text the database and data/catalog/ hold.
"""

from __future__ import annotations

from enum import Enum


class DeliveryMode(str, Enum):
    """Course.modes_of_delivery: OOAPI v5's modeOfDelivery values this project uses."""

    ON_CAMPUS = "on campus"
    ONLINE = "online"
    HYBRID = "hybrid"
    DISTANCE_LEARNING = "distance-learning"
    SITUATED = "situated"

    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        return MODE_LABELS[self]


MODE_LABELS = {
    DeliveryMode.ON_CAMPUS: "op de campus",
    DeliveryMode.ONLINE: "online",
    DeliveryMode.HYBRID: "hybride",
    DeliveryMode.DISTANCE_LEARNING: "afstandsleren",
    DeliveryMode.SITUATED: "op locatie",
}


class SchemeStatus(str, Enum):
    """Scheme.status, as data/catalog/schemes.yml writes it."""

    ACTIVE = "actief"
    ENDED = "beeindigd"
    UNCERTAIN = "onzeker"

    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    SchemeStatus.ACTIVE: "actief",
    SchemeStatus.ENDED: "beëindigd",
    SchemeStatus.UNCERTAIN: "onzeker",
}


def level_label(level: str) -> str:
    """An NLQF level as the catalog's overview names it ('none': a course without a level)."""
    return "zonder niveau" if level == "none" else f"niveau {level}"


def label_of(enum: type[DeliveryMode] | type[SchemeStatus], value: str) -> str:
    """The Dutch label of `value`, or `value` itself when the vocabulary does not know it."""
    try:
        return enum(value).label
    except ValueError:
        return value
