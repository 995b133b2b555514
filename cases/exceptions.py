"""Domain errors of case work; views turn them into messages."""


class CaseError(Exception):
    """Base class: the message is shown to the user as it is."""


class InvalidTransition(CaseError):
    pass


class ReferralNotConsented(CaseError):
    pass


class NotAssignedToYou(CaseError):
    pass


class ConsentLinkSuperseded(CaseError):
    """A consent decision was recorded after the consent link was mailed."""
