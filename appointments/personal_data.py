"""The 個別相談会 area: bookings (each booking is a case; the cases area erases the person)."""

from django.utils.translation import gettext_lazy as _

from common.areas import (
    PersonalDataArea,
    RetentionRun,
    Section,
    not_personal,
    personal_data_area,
)

from .disclosure import _bookings, session_bookings_disclosed
from .retention import session_bookings_anonymise


@personal_data_area
class SessionBookings(PersonalDataArea):
    """The advisor's notes go with the booking's case (appointments/retention.py)."""

    key = "session_bookings"
    models = ("appointments.SessionBooking",)
    sections = (
        Section(
            "session_bookings",
            _("個別相談会のご予約"),
            25,
            session_bookings_disclosed,
            _bookings,
        ),
    )
    erase_order = 15

    def erase(self, run: RetentionRun) -> dict[str, int]:
        return session_bookings_anonymise(run.today)


not_personal("appointments.SessionSeries", reason="a session series' venue, not a person's")
