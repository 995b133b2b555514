"""Domain errors of session booking; views turn them into messages."""

from common.public_forms import TryAgain as LockTimeout


class SessionError(Exception):
    """The message is shown to the user as it is."""


class SlotTaken(SessionError):
    """Someone else booked the slot first; `free` lists the next free slots of the series."""

    def __init__(self, message: str, free=()):
        super().__init__(message)
        self.free = list(free)


class SlotClosed(SessionError):
    """The slot has started, or its series is no longer published."""


class TryAgain(SessionError, LockTimeout):
    """The slot row was locked too long (heavy traffic): ask the person to retry."""


class CancellationClosed(SessionError):
    """The slot has started: the cancel link no longer applies."""


class BookingLimit(SessionError):
    """The address already holds a booking of the series, or as many open bookings as allowed."""
