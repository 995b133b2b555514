import datetime as dt

from common.scheduling import scheduled_job

from .services import session_reminders_send


@scheduled_job("session_reminders")
def session_reminders(now: dt.datetime) -> int:
    return session_reminders_send(now)
