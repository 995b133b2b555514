import datetime as dt

import pytest

from common.dates import (
    add_business_days,
    business_days_between,
    fiscal_year_label,
    fiscal_year_months,
    fiscal_year_of,
    fiscal_year_range,
    format_date_ja,
    format_era_date,
    is_business_day,
    parse_date,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        (D(2023, 3, 31), 2022),
        (D(2023, 4, 1), 2023),
        (D(2022, 4, 1), 2022),
        (D(2022, 12, 31), 2022),
        (D(2023, 1, 1), 2022),
    ],
)
def test_fiscal_year_turns_on_april_first(day, fiscal_year):
    assert fiscal_year_of(day) == fiscal_year


def test_fiscal_year_range_and_months():
    assert fiscal_year_range(2022) == (D(2022, 4, 1), D(2023, 3, 31))
    months = fiscal_year_months(2022)
    assert months[0] == "2022-04" and months[-1] == "2023-03" and len(months) == 12


@pytest.mark.parametrize(
    ("fiscal_year", "label"),
    [
        (2022, "2022年度（令和4年度）"),
        (2019, "2019年度（令和元年度）"),
        (2020, "2020年度（令和2年度）"),
        (2018, "2018年度（平成30年度）"),
        (1988, "1988年度（昭和63年度）"),
        (1989, "1989年度（平成元年度）"),
    ],
)
def test_fiscal_year_label(fiscal_year, label):
    assert fiscal_year_label(fiscal_year) == label


def test_fiscal_year_label_english():
    assert fiscal_year_label(2022, "en") == "FY2022 (Reiwa 4)"


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (D(2019, 4, 30), "平成31年4月30日"),
        (D(2019, 5, 1), "令和元年5月1日"),
        (D(2020, 1, 1), "令和2年1月1日"),
        (D(1989, 1, 7), "昭和64年1月7日"),
        (D(1989, 1, 8), "平成元年1月8日"),
    ],
)
def test_era_dates_at_the_boundaries(day, text):
    assert format_era_date(day) == text
    assert parse_date(text) == day


def test_format_date_ja_with_weekday():
    assert format_date_ja(D(2022, 4, 1)) == "2022年4月1日(金)"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2022-04-01", D(2022, 4, 1)),
        ("2022/4/1", D(2022, 4, 1)),
        ("２０２２／４／１", D(2022, 4, 1)),
        ("2022年4月1日", D(2022, 4, 1)),
        ("令和4年4月1日", D(2022, 4, 1)),
        ("R4.4.1", D(2022, 4, 1)),
        ("r4.4.1", D(2022, 4, 1)),
        ("H31.4.30", D(2019, 4, 30)),
        (" 令和元年5月1日 ", D(2019, 5, 1)),
    ],
)
def test_parse_date_accepts_the_forms_found_in_records(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["H31.5.1", "R1.4.30", "2022-02-30", "きのう", "令和4年13月1日"])
def test_parse_date_refuses_impossible_dates_with_a_japanese_message(text):
    with pytest.raises(ValueError, match="「"):
        parse_date(text)


def test_business_days_skip_weekends_holidays_and_year_end_closure():
    assert not is_business_day(D(2022, 12, 29))  # closure, a Thursday
    assert not is_business_day(D(2023, 1, 3))  # closure, a Tuesday
    assert is_business_day(D(2023, 1, 4))
    assert not is_business_day(D(2023, 1, 9))  # 成人の日
    assert not is_business_day(D(2022, 4, 30))  # Saturday


def test_add_business_days_over_new_year():
    # Received Tuesday 27 Dec 2022: the 28th counts, then closure to 3 Jan, then 4 and 5 Jan.
    assert add_business_days(D(2022, 12, 27), 3) == D(2023, 1, 5)


def test_add_business_days_over_golden_week():
    # Received Friday 28 Apr 2023: 1 and 2 May are business days; 3–5 May are holidays.
    assert add_business_days(D(2023, 4, 28), 3) == D(2023, 5, 8)


def test_add_business_days_over_the_2019_era_change_holidays():
    # 27 Apr – 6 May 2019 was a ten-day holiday run around the accession.
    assert add_business_days(D(2019, 4, 26), 1) == D(2019, 5, 7)


def test_business_days_between():
    assert business_days_between(D(2022, 12, 27), D(2023, 1, 5)) == 3
    assert business_days_between(D(2023, 1, 5), D(2023, 1, 5)) == 0
