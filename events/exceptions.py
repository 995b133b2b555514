"""Domain errors of seminar registration; views turn them into messages."""

from common.public_forms import TryAgain as LockTimeout


class RegistrationError(Exception):
    """The message is shown to the user as it is."""


class RegistrationClosed(RegistrationError):
    pass


class DuplicateRegistration(RegistrationError):
    pass


class TryAgain(RegistrationError, LockTimeout):
    """The seminar row was locked too long (heavy traffic): ask the person to retry."""


class InvalidRegistrationChange(RegistrationError):
    pass


class CancellationClosed(RegistrationError):
    """The seminar has started: the registrant's cancel link no longer applies."""


class SurveyClosed(RegistrationError):
    """The survey is for attendees, and only until its closing date."""
