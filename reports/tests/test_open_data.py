"""Open data: only closed years, fixed once published, and blanks that cannot be recovered."""

import collections
import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from django.test import Client

from cases.models import Case
from cases.tests.factories import make_case
from reports.opendata import SUPPRESS_BELOW, UNKNOWN, suppress

TOKYO = ZoneInfo("Asia/Tokyo")
TOWNS = ["242012", "242021", "242039", "242047", "242055"]


# --- the rule, audited against an attacker who knows it ---


def test_no_blank_can_be_shown_to_hold_a_case_by_someone_who_knows_the_rule():
    """Every world (3 towns with 0..5 cases, unknown 0..20) is run through the rule; worlds that
    publish the same figures and total are indistinguishable. A blank town holding cases must
    share its published file with a world where that town has none."""
    codes = [*TOWNS[:3], UNKNOWN]
    files = collections.defaultdict(set)
    for values in itertools.product(range(6), range(6), range(6), range(21)):
        published = suppress(dict(zip(codes, values, strict=True)))
        files[(tuple(published.values()), sum(values))].add(values)
    checked = 0
    for (published, total), worlds in files.items():
        assert total - sum(n or 0 for n in published) == sum(
            v for v, p in zip(next(iter(worlds)), published, strict=True) if p is None
        )
        for world in worlds:
            if world[-1] > 5:
                continue  # the worlds that explain it may lie beyond the enumerated range
            for i, n in enumerate(published[:-1]):
                if n is None and world[i] > 0:
                    assert any(other[i] == 0 for other in worlds), (published, total, world)
                    checked += 1
                elif n is not None:
                    assert n >= SUPPRESS_BELOW  # a 0, 1 or 2 is never shown
    assert checked > 500


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=40), min_size=29, max_size=29), st.integers(0, 9)
)
def test_moving_a_blank_towns_cases_to_unknown_publishes_the_same_file(counts, unknown):
    cells = {f"24{i:04d}": n for i, n in enumerate(counts)} | {UNKNOWN: unknown}
    published = suppress(cells)
    towns = [c for c in cells if c != UNKNOWN]
    blank = [c for c in towns if published[c] is None]
    assert len(blank) != 1  # a lone blank would equal the total minus the rest
    assert all(published[c] is None or published[c] >= SUPPRESS_BELOW for c in towns)
    if blank:
        assert published[UNKNOWN] is None
    for code in blank:
        moved = {**cells, code: 0, UNKNOWN: cells[UNKNOWN] + cells[code]}
        assert suppress(moved) == published


@pytest.mark.parametrize(
    "cells, expected",
    [
        # The finding: a blank next to a 0 said "at least one"; now 0 is blank as well.
        ({"a": 0, "b": 1, "c": 5, UNKNOWN: 0}, {"a": None, "b": None, "c": 5, UNKNOWN: None}),
        # A lone blank is joined by the next smallest town (and unknown).
        ({"a": 2, "b": 7, "c": 4, UNKNOWN: 0}, {"a": None, "b": 7, "c": None, UNKNOWN: None}),
        # Nothing small: everything is shown, unknown included.
        ({"a": 3, "b": 7, UNKNOWN: 1}, {"a": 3, "b": 7, UNKNOWN: 1}),
    ],
)
def test_suppression_table(cells, expected):
    assert suppress(cells) == expected


# --- the files ---


def at(day):
    return time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=TOKYO), tick=False)


def case_in(day, town, **fields):
    case = make_case(received_on=day, **fields)
    Case.objects.filter(pk=case.pk).update(municipality_id=town)
    return case


@pytest.fixture
def two_years(db):
    """FY2024 (closed) and FY2025 (current on 2025-06-15): 5 cases in one town, 1 in another."""
    with at(dt.date(2025, 6, 1)):
        for year in (2024, 2025):
            for _ in range(5):
                case_in(dt.date(year, 5, 10), TOWNS[0])
            case_in(dt.date(year, 5, 10), TOWNS[1])


def get_json(url="/opendata/consultations.json", **query):
    response = Client().get(url, query)
    assert response.status_code == 200
    return response


def test_only_closed_years_are_published_after_the_grace_period(two_years):
    with at(dt.date(2025, 6, 15)):
        data = get_json().json()
    years = {row["fiscal_year"] for row in data["data"]}
    assert years == {2024}
    assert data["metadata"]["fiscal_years"] == [{"fiscal_year": 2024, "released_on": "2025-06-15"}]
    with at(dt.date(2026, 4, 20)):  # FY2025 closed, but late entries may still come
        assert {r["fiscal_year"] for r in get_json().json()["data"]} == {2024}
    with at(dt.date(2026, 6, 1)):
        assert {r["fiscal_year"] for r in get_json().json()["data"]} == {2024, 2025}


def test_a_published_year_never_changes_and_the_query_string_changes_nothing(two_years):
    with at(dt.date(2025, 6, 15)):
        first = get_json().content
        csv_first = Client().get("/opendata/consultations.csv").content
    # A late entry for the published year, and a case moved to another town.
    with at(dt.date(2025, 9, 1)):
        case_in(dt.date(2025, 1, 20), TOWNS[2])
        Case.objects.filter(fiscal_year=2024, municipality_id=TOWNS[1]).update(
            municipality_id=TOWNS[3]
        )
        assert get_json().content == first
        assert get_json(nocache="1", fy="2025").content == first
        assert Client().get("/opendata/consultations.csv", {"t": "now"}).content == csv_first


def test_the_town_with_one_case_cannot_be_told_from_zero(two_years):
    with at(dt.date(2025, 6, 15)):
        data = get_json().json()["data"]
    towns = {r["code"]: r["count"] for r in data if r["dimension"] == "municipality"}
    total = next(r["count"] for r in data if r["dimension"] == "total")
    assert total == 6
    assert towns[TOWNS[0]] == 5
    assert towns[TOWNS[1]] is None and towns[TOWNS[2]] is None and towns[UNKNOWN] is None
    assert 0 not in towns.values() and 1 not in towns.values()
    types = sum(r["count"] for r in data if r["dimension"] == "requester_type")
    assert types == total
    assert all(r["dimension"] != "cumulative" for r in data)


def test_csv_is_plain_utf8_without_a_bom(two_years):
    with at(dt.date(2025, 6, 15)):
        response = Client().get("/opendata/consultations.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"fiscal_year,dimension,code,label,count\n")
    lines = response.content.decode("utf-8").splitlines()
    assert "2024,total,total,相談件数,6" in lines
    (blank,) = [line for line in lines if line.startswith(f"2024,municipality,{TOWNS[1]},")]
    assert blank.endswith(",")  # suppressed: an empty field, not 0


# --- the page ---


@pytest.mark.parametrize(
    "prefix, words",
    [
        ("", ["オープンデータ", "CC BY 4.0", "BOM なし", "0件・1件・2件", "列の説明"]),
        ("/en", ["Open data", "CC BY 4.0", "without a byte order mark", "0, 1 or 2", "Columns"]),
    ],
)
def test_the_open_data_page_documents_files_licence_rule_and_columns(two_years, prefix, words):
    from cms import demo

    demo.seed_site()
    with at(dt.date(2025, 6, 15)):
        response = Client().get(f"{prefix}/opendata/")
        home = Client().get(f"{prefix}/").content.decode()
    html = response.content.decode()
    assert response.status_code == 200
    for word in words:
        assert word in html
    assert 'href="/opendata/consultations.csv"' in html
    assert 'href="/opendata/consultations.json"' in html
    for column in ("fiscal_year", "dimension", "code", "label", "count"):
        assert f"<code>{column}</code>" in html
    assert "2024" in html.split('id="opendata-years"', 1)[1].split("</ul>", 1)[0]
    footer = home.split('class="dx-footer"', 1)[1]
    assert f'href="{prefix}/opendata/"' in footer


def test_the_open_data_page_is_in_the_sitemap_in_both_languages(db):
    from cms import demo

    demo.seed_site()
    xml = Client().get("/sitemap.xml").content.decode()
    assert "/opendata/</loc>" in xml and "/en/opendata/</loc>" in xml
