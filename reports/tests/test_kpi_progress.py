"""KPI grades while the fiscal year runs: against the elapsed share of the target, and said so."""

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from cases.tests.factories import make_case, staff_user
from events.tests.factories import TOKYO
from reports.models import KpiTarget
from reports.render import to_xlsx
from reports.report import fiscal_year_elapsed_share, yearly_report

pytestmark = pytest.mark.django_db
DECEMBER = dt.datetime(2026, 12, 6, 10, tzinfo=TOKYO)  # FY2026, 250 of 365 days elapsed
NEXT_APRIL = dt.datetime(2027, 4, 10, 10, tzinfo=TOKYO)  # FY2026 is over


@pytest.fixture
def fifty_six_of_sixty():
    with time_machine.travel(DECEMBER, tick=False):
        for i in range(56):
            make_case(received_on=dt.date(2026, 4, 1) + dt.timedelta(days=4 * i))
    KpiTarget.objects.create(fiscal_year=2026, key="consultations", target=60)


def test_the_elapsed_share_of_a_fiscal_year():
    assert fiscal_year_elapsed_share(2026, today=dt.date(2026, 4, 1)) == pytest.approx(1 / 365)
    assert fiscal_year_elapsed_share(2026, today=dt.date(2026, 12, 6)) == pytest.approx(250 / 365)
    assert fiscal_year_elapsed_share(2026, today=dt.date(2027, 3, 31)) == 1
    assert fiscal_year_elapsed_share(2026, today=dt.date(2030, 1, 1)) == 1
    assert fiscal_year_elapsed_share(2026, today=dt.date(2026, 3, 31)) == 0


def test_in_december_the_count_is_graded_against_the_pro_rata_target(fifty_six_of_sixty, client):
    with time_machine.travel(DECEMBER, tick=False):
        report = yearly_report(2026)
        kpi = next(k for k in report["kpis"] if k["key"] == "consultations")
        assert report["kpi_progress"]["running"] is True
        assert report["kpi_progress"]["elapsed_percent"] == 68
        assert kpi["basis"] == "pro_rata"
        assert kpi["graded_against"] == pytest.approx(41.1)
        assert kpi["grade"] == "A"  # 56 of the 41 due by now, not 56 of 60 → B
        client.force_login(staff_user())
        html = client.get("/admin/statistics/?fy=2026").content.decode()
        assert "年度途中" in html and "68%" in html and "按分" in html and "41.1" in html
        sheet = load_workbook(io.BytesIO(to_xlsx(report)))["KPI"]
        assert [c.value for c in sheet[1]][-2:] == ["評価の基準", "評価に使った目標"]
        assert [c.value for c in sheet[2]] == [
            "相談件数（件）",
            60,
            56,
            "A",
            "按分目標（経過日数分）",
            41.1,
        ]


def test_once_the_year_is_over_the_full_target_grades(fifty_six_of_sixty, client):
    with time_machine.travel(NEXT_APRIL, tick=False):
        report = yearly_report(2026)
        kpi = next(k for k in report["kpis"] if k["key"] == "consultations")
        assert report["kpi_progress"]["running"] is False
        assert (kpi["basis"], kpi["graded_against"], kpi["grade"]) == ("full_year", 60.0, "B")
        client.force_login(staff_user())
        html = client.get("/admin/statistics/?fy=2026").content.decode()
        assert "年度途中" not in html


def test_a_rate_is_graded_as_it_stands_but_marked_provisional_while_the_year_runs():
    KpiTarget.objects.update_or_create(
        fiscal_year=2026, key="contribution_rate", defaults={"target": 90}
    )
    with time_machine.travel(DECEMBER, tick=False):
        kpi = next(k for k in yearly_report(2026)["kpis"] if k["key"] == "contribution_rate")
    assert kpi["basis"] == "interim_rate" and kpi["graded_against"] == 90.0
