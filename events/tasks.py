import datetime as dt

from common.scheduling import scheduled_job

from .services import seminar_reminders_send, seminar_thanks_send


@scheduled_job("seminar_reminders")
def seminar_reminders(now: dt.datetime) -> int:
    return seminar_reminders_send(now)


@scheduled_job("seminar_thanks")
def seminar_thanks(now: dt.datetime) -> int:
    return seminar_thanks_send(now)
