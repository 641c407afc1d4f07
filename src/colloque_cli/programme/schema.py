"""The programme file's schema: pydantic models that validate the YAML and give its JSON Schema.

These models describe the *file*; ``loader`` turns a validated file into the immutable
domain objects of ``model``. Importing this module costs pydantic's start-up, so only the
loader (and ``colloque schema``) import it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)

from ..text import shown
from .model import find_zone
from .values import parse_date, parse_time, typeable_id

Id = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=r"^[^\s/\\]+$"),
    AfterValidator(typeable_id),
    Field(description="Identifiant court et stable, sans espace."),
]
Text = Annotated[str, StringConstraints(min_length=1)]
Time = Annotated[
    dt.time,
    BeforeValidator(parse_time),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01]?\d|2[0-3])[:hH][0-5]\d$",
            "description": "Heure locale au format HH:MM.",
        }
    ),
]
Date = Annotated[
    dt.date,
    BeforeValidator(parse_date),
    Field(description="Date au format AAAA-MM-JJ."),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, str_strip_whitespace=True)


class ColloqueFile(_Strict):
    """L'événement lui-même."""

    title: Text
    subtitle: str | None = None
    kind: str | None = Field(
        default=None, description="Nature de l'événement : « Colloque national »."
    )
    city: str | None = None
    venue: str | None = None
    timezone: str = Field(default="Europe/Paris", description="Fuseau horaire IANA des heures.")
    dates: list[Date] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if find_zone(value) is None:
            raise ValueError(f"fuseau horaire inconnu « {shown(value)} » (exemple : Europe/Paris)")
        return value


class RoomFile(_Strict):
    """Une salle."""

    id: Id
    name: Text


class ThemeFile(_Strict):
    """Un thème du vocabulaire contrôlé."""

    id: Id
    label: Text
    description: str | None = None


class SlotFile(_Strict):
    """Un créneau horaire commun à des sessions en parallèle."""

    id: Id
    date: Date
    start: Time
    end: Time
    end_date: Date | None = Field(
        default=None, description="Jour de fin, quand le créneau passe minuit."
    )
    label: str | None = None


class SessionFile(_Strict):
    """Une session : atelier, table ronde, émission…"""

    id: Id
    slot: Id
    room: Id | None = Field(
        default=None, description="Identifiant de salle ; vide si non précisée."
    )
    title: Text
    subtitle: str | None = None
    type: Text = Field(default="atelier", description="atelier, table ronde, émission radio…")
    themes: list[Id] = Field(default_factory=list)
    description: str = ""
    speakers: list[Text] = Field(default_factory=list, description="Intervenants (noms).")
    allow_overlap: bool = Field(
        default=False,
        description="Vrai si la session peut chevaucher une autre dans la même salle "
        "(session imbriquée dans une autre, comme en ont les programmes importés).",
    )


class ProgrammeFile(_Strict):
    """Un programme de colloque."""

    model_config = ConfigDict(title="Programme colloque")

    colloque: ColloqueFile
    rooms: list[RoomFile] = Field(default_factory=list)
    themes: list[ThemeFile] = Field(default_factory=list)
    glossary: dict[Text, Text] = Field(default_factory=dict)
    slots: list[SlotFile]
    sessions: list[SessionFile]


# The titles pydantic makes from field and class names (« End Date »), as editors show them.
FRENCH_TITLES = {
    "Allow Overlap": "Chevauchement permis",
    "City": "Ville",
    "ColloqueFile": "Colloque",
    "Dates": "Dates",
    "End": "Fin",
    "End Date": "Date de fin",
    "Glossary": "Glossaire",
    "Id": "Identifiant",
    "Kind": "Nature",
    "Label": "Libellé",
    "Name": "Nom",
    "Room": "Salle",
    "RoomFile": "Salle",
    "Rooms": "Salles",
    "SessionFile": "Session",
    "Slot": "Créneau",
    "SlotFile": "Créneau",
    "Slots": "Créneaux",
    "Speakers": "Intervenants",
    "Start": "Début",
    "Subtitle": "Sous-titre",
    "ThemeFile": "Thème",
    "Themes": "Thèmes",
    "Timezone": "Fuseau horaire",
    "Title": "Titre",
    "Venue": "Lieu",
}


def _french_titles(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: FRENCH_TITLES.get(value, value)
            if key == "title" and isinstance(value, str)
            else _french_titles(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_french_titles(item) for item in node]
    return node


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a programme file, for editors and other tools (titles in French)."""
    schema: dict[str, Any] = _french_titles(ProgrammeFile.model_json_schema())
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
