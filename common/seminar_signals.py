"""A seminar change that other apps follow: events sends it, the apps that depend on a seminar
(appointments: the 個別相談会 held after it) connect in their AppConfig.ready, so neither imports
the other.

`seminar_changed` is sent once the change is committed, when staff save a seminar whose date,
time, place or cancellation differs from what registrants were last told:
``sender=Seminar, seminar=..., changed=[field names], cancelled=bool``.
"""

from django.dispatch import Signal

seminar_changed = Signal()
