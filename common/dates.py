"""Fiscal years (April–March, 地方自治法 第208条), Japanese eras and business days."""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import jpholiday

WEEKDAYS_JA = "月火水木金土日"


@dataclass(frozen=True)
class Era:
    name: str
    short: str
    romaji: str
    start: dt.date


# Newest first; each era runs until the day before the next one starts.
ERAS = (
    Era("令和", "R", "Reiwa", dt.date(2019, 5, 1)),
    Era("平成", "H", "Heisei", dt.date(1989, 1, 8)),
    Era("昭和", "S", "Showa", dt.date(1926, 12, 25)),
)


def fiscal_year_of(day: dt.date) -> int:
    """Return the fiscal year a date falls in: 2023-03-31 is FY2022, 2023-04-01 is FY2023."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_range(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """Return the first and last day of a fiscal year."""
    return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)


def fiscal_year_months(fiscal_year: int) -> list[str]:
    """Return the twelve months of a fiscal year as YYYY-MM, April first."""
    return [
        f"{fiscal_year + (1 if m < 4 else 0)}-{m:02d}"
        for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)
    ]


def era_of(day: dt.date) -> tuple[Era, int]:
    """Return the era and the year within it for a date."""
    for era in ERAS:
        if day >= era.start:
            return era, day.year - era.start.year + 1
    raise ValueError(f"{day} is before the supported eras")


def era_year_text(year: int) -> str:
    """The first year of an era is written 元年."""
    return "元" if year == 1 else str(year)


def fiscal_year_era(fiscal_year: int) -> tuple[Era, int]:
    """Return the era name used for a fiscal year.

    Custom names a fiscal year after the era in force for most of it: FY2019 is 令和元年度
    although April 2019 was still 平成, and FY1988 is 昭和63年度. The era on 1 May of the
    starting year gives both.
    """
    return era_of(dt.date(fiscal_year, 5, 1))


def fiscal_year_label(fiscal_year: int, language: str = "ja") -> str:
    """Return 2022年度（令和4年度）, or FY2022 (Reiwa 4) in English."""
    era, year = fiscal_year_era(fiscal_year)
    if language.startswith("en"):
        return f"FY{fiscal_year} ({era.romaji} {year})"
    return f"{fiscal_year}年度（{era.name}{era_year_text(year)}年度）"


def format_date_ja(day: dt.date, *, weekday: bool = True) -> str:
    """Return 2022年4月1日(金)."""
    text = f"{day.year}年{day.month}月{day.day}日"
    return f"{text}({WEEKDAYS_JA[day.weekday()]})" if weekday else text


def format_era_date(day: dt.date) -> str:
    """Return 令和4年4月1日 (令和元年5月1日 for the first year)."""
    era, year = era_of(day)
    return f"{era.name}{era_year_text(year)}年{day.month}月{day.day}日"


_ERA_BY_NAME = {e.name: e for e in ERAS} | {e.short: e for e in ERAS}
_ERA_LONG = re.compile(r"^(令和|平成|昭和)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日$")
_ERA_SHORT = re.compile(r"^([RHS])(\d{1,2})[./](\d{1,2})[./](\d{1,2})$", re.IGNORECASE)
_WESTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def parse_date(text: str) -> dt.date:
    """Parse 2022-04-01, 2022/4/1, 2022年4月1日, 令和4年4月1日 (元年 too), R4.4.1, H31.4.30.

    Full-width digits are accepted. Raises ValueError with a Japanese message.
    """
    value = unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "")
    if match := _WESTERN.match(value):
        year, month, day = (int(g) for g in match.groups())
        return _checked_date(year, month, day, text)
    if match := (_ERA_LONG.match(value) or _ERA_SHORT.match(value)):
        name, era_year, month, day = match.groups()
        era = _ERA_BY_NAME[name.upper() if len(name) == 1 else name]
        year_in_era = 1 if era_year == "元" else int(era_year)
        parsed = _checked_date(era.start.year + year_in_era - 1, int(month), int(day), text)
        found, _found_year = era_of(parsed)
        if found != era:
            raise ValueError(f"「{text}」は{era.name}の期間外の日付です")
        return parsed
    raise ValueError(f"「{text}」は日付として読めません（例: 2022-04-01、令和4年4月1日、R4.4.1）")


def _checked_date(year: int, month: int, day: int, original: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"「{original}」は存在しない日付です") from None


def is_year_end_closure(day: dt.date) -> bool:
    """Public offices close from 29 December to 3 January."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_business_day(day: dt.date) -> bool:
    """Weekdays that are neither a public holiday nor in the year-end closure."""
    return day.weekday() < 5 and not jpholiday.is_holiday(day) and not is_year_end_closure(day)


def add_business_days(start: dt.date, days: int) -> dt.date:
    """Return the date that is `days` business days after `start` (start itself not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_business_day(current):
            remaining -= 1
    return current


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Count business days after `start` up to and including `end` (0 if end <= start)."""
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if is_business_day(current):
            count += 1
    return count
