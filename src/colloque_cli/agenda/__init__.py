"""The attendee's personal agenda: the file and its lock (``store``), the agenda against the
programme (``plan``), its plain records (``records``) and what changed since each pick
(``review``)."""
