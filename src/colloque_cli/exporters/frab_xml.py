"""frab/pentabarf ``schedule.xml``: read by Giggity, ConfClerk, EventFahrplan, pyfahrplan…

Written to validate against the published XSD (``schedule.xml.xsd`` of the voc/schedule
project): strict on export, as the importer is tolerant.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from .. import __version__
from ..programme.model import Programme, Session, hhmm
from ..text import xml_escape_unsafe
from .frab import GENERATOR, Event, Schedule, moment, schedule, xml_text


def to_frab_xml(programme: Programme, sessions: Sequence[Session]) -> str:
    plan = schedule(programme, sessions)
    root = Element("schedule")
    SubElement(root, "generator", name=GENERATOR, version=__version__)
    _leaf(root, "version", plan.version)
    conference = SubElement(root, "conference")
    _leaf(conference, "acronym", plan.acronym)
    _leaf(conference, "title", plan.title)
    _leaf(conference, "start", plan.start.isoformat())
    _leaf(conference, "end", plan.end.isoformat())
    _leaf(conference, "days", str(len(plan.days)))
    _leaf(conference, "timeslot_duration", plan.timeslot)
    _leaf(conference, "time_zone_name", plan.timezone)
    for label, slug in plan.tracks:
        track = SubElement(conference, "track", name=xml_text(label))
        if slug:
            track.set("slug", slug)
    for day in plan.days:
        day_element = SubElement(
            root,
            "day",
            index=str(day.index),
            date=day.date.isoformat(),
            start=moment(day.start),
            end=moment(day.end),
        )
        for room, events in day.rooms:
            room_element = SubElement(day_element, "room", name=xml_text(plan.room_name(room)))
            if room is not None:
                room_element.set("guid", plan.room_guid(room))
            for event in events:
                _event(room_element, event, plan)
    indent(root, space="  ")
    body = xml_escape_unsafe(tostring(root, encoding="unicode"))  # inert on a terminal too
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _leaf(parent: Element, tag: str, text: str | None) -> Element:
    element = SubElement(parent, tag)
    element.text = xml_text(text)
    return element


def _event(parent: Element, event: Event, plan: Schedule) -> None:
    session = event.session
    element = SubElement(parent, "event", id=str(event.number), guid=event.guid)
    _leaf(element, "date", moment(event.start))
    _leaf(element, "start", hhmm(session.slot.start))
    _leaf(element, "duration", event.duration)
    _leaf(element, "room", xml_text(plan.room_name(session.room)))
    if event.xml_slug:
        _leaf(element, "slug", event.xml_slug)
    _leaf(element, "title", session.title)
    if session.subtitle:
        _leaf(element, "subtitle", session.subtitle)
    _leaf(element, "track", event.track)
    _leaf(element, "type", session.type)
    _leaf(element, "abstract", session.description)
    persons = SubElement(element, "persons")
    for name in session.speakers:
        _leaf(persons, "person", name)
