"""Choose the moment the PostgreSQL leg of `make test` runs at, and print it.

The unit suite runs a second time as if the machine's clock read another day, chosen afresh on
every run among the days that break date code: the last evening of a fiscal year and the first
morning of the next (in Japan time, and with UTC still on the previous day), the year-end closure
(29 December to 3 January), a Japanese holiday, 29 February, or any day up to the end of 2030.
Each moment is at least two hours before the next boundary, so a whole run stays on its side.

TEST_CLOCK=2027-04-01T08:00+09:00 (or a `make test-clock CLOCK=…`) replays a given moment.
"""

import calendar
import datetime as dt
import os
import random
import sys
from zoneinfo import ZoneInfo

import jpholiday

TOKYO = ZoneInfo("Asia/Tokyo")
LAST_YEAR = 2030


def moments(today: dt.date, rng: random.Random) -> dict[str, dt.datetime]:
    """The kinds of day to run on, each at a moment after `today` (up to 2030 where there is
    one ahead; past 2030 the suite still runs, on the kinds that lie ahead)."""
    last = max(LAST_YEAR, today.year + 1)
    first_fiscal_end = today.year if today < dt.date(today.year, 3, 31) else today.year + 1
    year = rng.randint(first_fiscal_end, max(first_fiscal_end, last))
    closure = dt.date(year - 1, 12, 29) + dt.timedelta(days=rng.randint(0, 5))
    if closure <= today:
        closure = dt.date(year, 12, 29) + dt.timedelta(days=rng.randint(0, 5))
    holidays = [
        day
        for y in range(today.year, last + 1)
        for day, _name in jpholiday.year_holidays(y)
        if day > today
    ]
    leap = next(
        dt.date(y, 2, 29)
        for y in range(today.year, today.year + 9)
        if calendar.isleap(y)
        if dt.date(y, 2, 29) > today
    )
    span = max(1, (dt.date(last, 12, 31) - today).days)
    any_day = today + dt.timedelta(days=rng.randint(1, span))

    # Moments at least two hours before the next boundary of their kind (midnight in Japan, or in
    # UTC for the 08:00 one), so that a run of the unit suite stays on its side.
    def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), TOKYO)

    kinds = {
        "last evening of a fiscal year (Japan time)": at(dt.date(year, 3, 31), 21, 30),
        "first morning of a fiscal year (Japan time)": at(dt.date(year, 4, 1), 0, 5),
        "first morning of a fiscal year in Japan, still 31 March in UTC": at(
            dt.date(year, 4, 1), 7, 0
        ),
        "year-end closure": at(closure, rng.choice([8, 13, 21])),
        "29 February": at(leap, rng.choice([8, 12, 21])),
        "any day to the end of 2030": at(any_day, rng.randint(0, 21), rng.choice([0, 30])),
    }
    if holidays:
        kinds["a Japanese holiday"] = at(rng.choice(holidays), 10)
    return kinds


def main() -> None:
    given = os.environ.get("TEST_CLOCK")
    if given:
        print(given)
        print(f"moved clock: TEST_CLOCK={given} (given)", file=sys.stderr)
        return
    rng = random.SystemRandom()
    kind, moment = rng.choice(list(moments(dt.date.today(), random.Random(rng.random())).items()))
    print(moment.isoformat())
    print(
        f"moved clock: the unit suite runs as if it were {moment.isoformat()} ({kind}); "
        f"replay with make test-postgres CLOCK={moment.isoformat()} "
        f"(or make test-clock CLOCK=… on SQLite)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
