"""Issue 18 (reach): consultations, organisations served and seminar attendance by town and by
region of Mie per fiscal year, the towns not reached, CSV/XLSX; the workload of assignees."""

import datetime as dt
import io

import openpyxl
import pytest
import time_machine

from cases.models import Assignment, Case
from cases.services import case_create
from cases.tests.factories import OrganisationFactory, make_case, staff_user
from common.models import Municipality
from events.models import Registration
from events.tests.factories import TOKYO, make_seminar
from partners.models import Advisor, PartnerCompany
from reports.reach import reach_report, workload

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 10, 10, tzinfo=TOKYO)  # FY2026


def _town(code):
    return Municipality.objects.get(code=code)


def _case(on, organisation):
    return case_create(
        organisation=organisation,
        received_on=on,
        channel=Case.Channel.PHONE,
        category="information",
        subject="相談",
        description="相談です。",
    )


@pytest.fixture
def reach_data():
    with time_machine.travel(NOW, tick=False):
        yokkaichi = OrganisationFactory(municipality=_town("242021"))
        _case(dt.date(2026, 5, 1), yokkaichi)
        _case(dt.date(2026, 6, 1), yokkaichi)
        _case(dt.date(2026, 7, 1), OrganisationFactory())  # 津市
        _case(dt.date(2026, 2, 1), OrganisationFactory(municipality=_town("242098")))  # FY2025
        seminar = make_seminar(days=-20)
        for name, checked_in in (("a", True), ("b", True), ("c", False)):
            Registration.objects.create(
                seminar=seminar,
                name=name,
                email=f"{name}@example.jp",
                mode="venue",
                status="confirmed",
                municipality=_town("242161"),  # 伊賀市
                checked_in_at=seminar.starts_at if checked_in else None,
            )


def test_reach_by_town_and_region_and_the_towns_not_reached(reach_data):
    report = reach_report(2026)
    towns = {row["name"]: row for row in report["towns"]}
    assert (towns["四日市市"]["consultations"], towns["四日市市"]["organisations"]) == (2, 1)
    assert towns["伊賀市"]["attendance"] == 2
    assert towns["尾鷲市"]["consultations"] == 0
    regions = {row["code"]: row for row in report["regions"]}
    assert regions["hokusei"]["consultations"] == 2
    assert regions["chusei"]["consultations"] == 1
    assert regions["iga"]["attendance"] == 2
    not_reached = {row["name"] for row in report["not_reached"]}
    assert len(not_reached) == 29 - 3 and "尾鷲市" in not_reached and "伊賀市" not in not_reached
    assert "尾鷲市" not in report["never_reached"] and "鳥羽市" in report["never_reached"]


def test_reach_page_and_exports(client, reach_data):
    client.force_login(staff_user())
    page = client.get("/admin/statistics/reach/?fy=2026").content.decode()
    assert "北勢" in page and "東紀州" in page and "鳥羽市" in page
    # The prefecture's names of its areas, not made-up ones.
    assert "中南勢" in page and "伊勢志摩" in page
    assert ">中勢<" not in page and ">南勢<" not in page
    csv = client.get("/admin/statistics/reach/2026/download/csv/").content.decode("utf-8-sig")
    assert "四日市市,北勢,2,1,0" in csv
    assert "津市,中南勢,1,1,0" in csv and "鳥羽市,伊勢志摩,0,0,0" in csv
    assert ",中南勢,中南勢," in csv and ",伊勢志摩,伊勢志摩," in csv and "chusei" not in csv
    xlsx = client.get("/admin/statistics/reach/2026/download/xlsx/").content
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == ["市町別", "地域別", "未到達の市町"]
    regions = {row[1]: row for row in book["地域別"].iter_rows(min_row=2, values_only=True)}
    assert regions["伊賀"][5] == 2
    assert list(regions) == ["北勢", "中南勢", "伊勢志摩", "伊賀", "東紀州"]
    towns = {row[1]: row[2] for row in book["市町別"].iter_rows(min_row=2, values_only=True)}
    assert towns["松阪市"] == "中南勢" and towns["志摩市"] == "伊勢志摩"


def test_the_workload_counts_open_referrals_median_acceptance_and_closed_this_year():
    advisor = Advisor.objects.create(name="鈴鹿 一郎")
    company = PartnerCompany.objects.create(name="株式会社テスト", kind="vendor")
    with time_machine.travel(NOW, tick=False):
        open_case = make_case(status=Case.Status.ASSIGNED)
        done_case = make_case(status=Case.Status.IN_PROGRESS)
    made = NOW - dt.timedelta(days=30)
    Assignment.objects.create(case=open_case, advisor=advisor, state="proposed")
    fast = Assignment.objects.create(
        case=done_case, advisor=advisor, state="done", done_at=NOW, responded_at=made
    )
    slow = Assignment.objects.create(
        case=open_case, advisor=advisor, state="accepted", responded_at=made
    )
    Assignment.objects.filter(pk=fast.pk).update(created_at=made - dt.timedelta(hours=2))
    Assignment.objects.filter(pk=slow.pk).update(created_at=made - dt.timedelta(hours=10))
    Assignment.objects.create(case=open_case, company=company, state="declined")
    with time_machine.travel(NOW, tick=False):
        rows = {row["name"]: row for row in workload(2026)}
    assert rows["鈴鹿 一郎"]["open"] == 2
    assert rows["鈴鹿 一郎"]["median_accept_hours"] == 6.0
    assert rows["鈴鹿 一郎"]["done"] == 1
    assert rows["株式会社テスト"] == {
        "kind": "partner",
        "name": "株式会社テスト",
        "open": 0,
        "median_accept_hours": None,
        "done": 0,
    }


def test_an_imported_referral_has_no_acceptance_time_and_the_page_never_shows_minus_zero(client):
    from cases.importing import cases_import, read_table
    from cases.tests.factories import import_workbook

    Advisor.objects.create(name="青山 美咲")
    row = [
        "R3.6.1",
        "事業者",
        "A",
        "",
        "津市",
        "情報提供",
        "x",
        "回答",
        "青山 美咲",
        "完了",
        "解決",
    ]
    with time_machine.travel(NOW, tick=False):
        cases_import(read_table(import_workbook([row]), "past.xlsx"), dry_run=False)
        assert Assignment.objects.get().state == "done"
        rows = {row["name"]: row for row in workload(2026)}
        assert rows["青山 美咲"]["median_accept_hours"] is None
    fast = Assignment.objects.create(
        case=make_case(), advisor=Advisor.objects.get(), state="accepted", responded_at=NOW
    )
    # Clocks of two machines: the answer stamped a few milliseconds before the offer.
    Assignment.objects.filter(pk=fast.pk).update(created_at=NOW + dt.timedelta(milliseconds=40))
    with time_machine.travel(NOW, tick=False):
        assert workload(2026)[0]["median_accept_hours"] == 0.0
        client.force_login(staff_user())
        html = client.get("/admin/statistics/workload/?fy=2026").content.decode()
    assert "-0.0" not in html and "アドバイザー" in html


def test_the_workload_table_lists_advisors_by_reading():
    """Issue 29: people are listed in 五十音 order, not by the code points of their kanji."""
    from django.utils import timezone

    from common.dates import fiscal_year_of

    for name, kana in (
        ("渡辺 一", "ワタナベ ハジメ"),
        ("伊藤 二郎", "イトウ ジロウ"),
        ("青山 三子", "アオヤマ ミツコ"),
    ):
        Advisor.objects.create(name=name, name_kana=kana)
    rows = workload(fiscal_year_of(timezone.localdate()))
    names = [r["name"] for r in rows if r["kind"] == "advisor"]
    assert names == ["青山 三子", "伊藤 二郎", "渡辺 一"]
