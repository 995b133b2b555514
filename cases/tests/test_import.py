import datetime as dt
import io

import pytest

from django.core.management import CommandError, call_command
from django.db.models import Count

from cases.importing import cases_import, read_table
from cases.models import Assignment, Case
from cases.tests.factories import IMPORT_HEADER, import_workbook
from partners.models import Advisor

pytestmark = pytest.mark.django_db

ROWS = [
    [
        dt.date(2021, 6, 10),
        "県内事業者",
        "小売A",
        "小売業",
        "津市",
        "情報提供",
        "会計のデジタル化",
        "紹介",
        "",
        "完了",
        "導入済み",
    ],
    [
        "2021/7/1",
        "事業者",
        "製造B",
        "製造業",
        "四日市",
        "人材育成",
        "研修したい",
        "セミナー",
        "青山 美咲",
        "完了",
        "導入済み",
    ],
    [
        "令和3年8月2日",
        "県民グループ",
        "NPO C",
        "",
        "伊勢市",
        "課題解決",
        "スマホ教室",
        "",
        "",
        "対応中",
        "",
    ],
    ["R4.3.31", " 市町 ", "志摩市企画課", "", "志摩市", "その他", "問合せ", "", "", "取下げ", ""],
    [
        "R4.4.1",
        "県",
        "三重県デジタル課",
        "",
        "三重県",
        "課題解決のための相談",
        "シフト表",
        "支援",
        "",
        "完了",
        "導入済み",
    ],
    [
        "2022-05-01",
        "municipality",
        "津市総務課",
        "",
        "津市",
        "training",
        "研修",
        "",
        "不明な担当",
        "受付",
        "",
    ],
    [
        "H31.4.30",
        "business",
        "老舗D",
        "小売業",
        "",
        "information",
        "古い記録",
        "",
        "",
        "completed_bad",
        "",
    ],
]


def test_a_good_workbook_reproduces_its_counts_by_year_type_and_category():
    Advisor.objects.create(name="青山 美咲")
    result = cases_import(read_table(import_workbook(ROWS[:6]), "past.xlsx"), dry_run=False)
    assert result.ok, result.errors
    assert result.per_fiscal_year == {2021: 4, 2022: 2}
    assert dict(Case.objects.values_list("fiscal_year").annotate(n=Count("pk"))) == {
        2021: 4,
        2022: 2,
    }
    by_type = dict(Case.objects.values_list("requester_type").annotate(n=Count("pk")))
    assert by_type == {"business": 2, "citizen_group": 1, "municipality": 3}
    by_category = dict(Case.objects.values_list("category").annotate(n=Count("pk")))
    assert by_category == {"information": 1, "training": 2, "problem_solving": 2, "other": 1}
    assert Case.objects.get(organisation__name="製造B").municipality.name == "四日市市"
    assert Assignment.objects.get().advisor.name == "青山 美咲"
    assert Case.objects.get(organisation__name="津市総務課").assignee_text == "不明な担当"
    assert set(Case.objects.values_list("channel", flat=True)) == {"import"}
    assert Case.objects.get(organisation__name="志摩市企画課").received_on == dt.date(2022, 3, 31)


def test_a_workbook_with_bad_rows_is_refused_whole_naming_each_row():
    rows = [
        *ROWS[:2],
        ["2022/2/30", "事業者", "E", "", "", "情報提供", "x", "", "", "完了"],
        ["2022/4/1", "企業", "F", "", "", "情報提供", "x", "", "", "完了"],
        ["2022/4/1", "事業者", "G", "", "どこか町", "相談", "x", "", "", "完了"],
        ROWS[6],
    ]
    result = cases_import(read_table(import_workbook(rows), "bad.xlsx"), dry_run=False)
    assert not result.ok
    numbers = [n for n, _ in result.errors]
    assert numbers == [4, 5, 6, 7]
    reasons = dict(result.errors)
    assert "存在しない日付" in reasons[4]
    assert "相談者区分「企業」" in reasons[5]
    assert "所在市町「どこか町」" in reasons[6] and "相談内容区分「相談」" in reasons[6]
    assert "状況「completed_bad」" in reasons[7]
    # Closing rules are today's: a past 完了 row without 対応内容 or 結果 is not an error.
    assert "対応内容" not in reasons[4]
    assert Case.objects.count() == 0


def test_an_imported_closed_record_goes_through_the_life_cycle_without_mail():
    from cases.models import CaseEvent, CaseSurvey

    cases_import(read_table(import_workbook([ROWS[0]]), "x.xlsx"), dry_run=False)
    case = Case.objects.get()
    assert case.status == "closed" and case.closed_on == dt.date(2021, 6, 10)
    assert case.outcome == "導入済み"
    steps = CaseEvent.objects.filter(case=case, action="transition")
    assert [(e.from_status, e.to_status) for e in steps] == [
        ("new", "triage"),
        ("triage", "in_progress"),
        ("in_progress", "closed"),
    ]
    assert CaseSurvey.objects.filter(case=case).exists()
    # Imported past cases have not been asked for referral consent.
    assert case.consent is None


def test_csv_in_shift_jis_and_utf8_with_bom(tmp_path):
    lines = [",".join(IMPORT_HEADER), "2022/4/5,事業者,小売X,小売業,津市,情報提供,相談,,,完了"]
    text = "\r\n".join(lines) + "\r\n"
    for encoding in ("cp932", "utf-8-sig", "utf-8"):
        rows = read_table(text.encode(encoding), "past.csv")
        assert rows[0][1]["organisation"] == "小売X"


def test_english_headers_are_accepted():
    header = [
        "received_on",
        "requester_type",
        "organisation",
        "industry",
        "municipality",
        "category",
        "description",
        "support",
        "assignee",
        "status",
        "outcome",
    ]
    result = cases_import(read_table(import_workbook(ROWS[:1], header), "x.xlsx"), dry_run=True)
    assert result.ok and result.total == 1
    assert Case.objects.count() == 0  # dry run writes nothing


def test_command_reports_rows_and_exits_non_zero(tmp_path, capsys):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(import_workbook([ROWS[0], ROWS[6]]))
    with pytest.raises(CommandError, match="取り込みませんでした"):
        call_command("import_cases", str(bad))
    assert "3行目" in capsys.readouterr().err
    assert Case.objects.count() == 0

    good = tmp_path / "good.xlsx"
    good.write_bytes(import_workbook(ROWS[:3]))
    call_command("import_cases", str(good), "--dry-run")
    assert Case.objects.count() == 0
    call_command("import_cases", str(good))
    out = capsys.readouterr().out
    assert "2021年度: 3件" in out
    assert Case.objects.count() == 3


def test_admin_upload_previews_then_imports(client):
    from .factories import staff_user

    client.force_login(staff_user())
    upload = io.BytesIO(import_workbook(ROWS[:2]))
    upload.name = "past.xlsx"
    preview = client.post("/admin/cases/import/", {"file": upload})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "2件を取り込めます" in html
    assert Case.objects.count() == 0
    token = html.split('name="token" value="')[1].split('"')[0]
    done = client.post("/admin/cases/import/", {"token": token})
    assert done.status_code == 302
    assert Case.objects.count() == 2


def test_the_same_file_twice_is_refused_naming_the_rows(tmp_path, capsys):
    path = tmp_path / "past.xlsx"
    path.write_bytes(import_workbook(ROWS[:3]))
    call_command("import_cases", str(path))
    assert Case.objects.count() == 3
    with pytest.raises(CommandError, match="取り込みませんでした"):
        call_command("import_cases", str(path))
    err = capsys.readouterr().err
    assert "2行目: 既に取り込まれています（受付番号" in err and "4行目" in err
    assert Case.objects.count() == 3  # the statistics are not doubled
    call_command("import_cases", str(path), "--allow-duplicates")
    assert Case.objects.count() == 6


def test_a_row_repeated_in_the_file_is_named():
    result = cases_import(
        read_table(import_workbook([ROWS[0], ROWS[1], ROWS[0]]), "x.xlsx"), dry_run=True
    )
    assert result.errors == [(4, "2行目と同じ記録です")]


def test_an_imported_open_record_has_no_deadline_and_never_becomes_overdue(time_machine):
    from cases.selectors import case_counts_for_staff_home, overdue_q

    row = list(ROWS[0])
    row[-2] = "受付"  # a past record nobody answered
    time_machine.move_to(dt.datetime(2026, 12, 1, 10, 0))
    cases_import(read_table(import_workbook([row]), "x.xlsx"), dry_run=False)
    case = Case.objects.get()
    # The first-response deadline is a rule of today's intake, not of a record from 2021.
    assert case.first_response_due is None
    time_machine.move_to(dt.datetime(2027, 1, 20, 10, 0))
    case.refresh_from_db()
    assert not case.is_overdue
    assert not Case.objects.filter(overdue_q()).exists()
    # Still open work that staff see among the new cases.
    assert case_counts_for_staff_home()["new"] == 1


def test_a_double_click_on_confirm_imports_once(client):
    from .factories import staff_user

    client.force_login(staff_user())
    upload = io.BytesIO(import_workbook(ROWS[:2]))
    upload.name = "past.xlsx"
    html = client.post("/admin/cases/import/", {"file": upload}).content.decode()
    token = html.split('name="token" value="')[1].split('"')[0]
    assert client.post("/admin/cases/import/", {"token": token}).status_code == 302
    again = client.post("/admin/cases/import/", {"token": token}, follow=True)
    assert "取り込み済みか" in again.content.decode()
    assert Case.objects.count() == 2


# A center's own log (the seed's columns): 完了 rows carry 対応内容, and there is no 結果 column.
PAST_HEADER = [
    "受付日",
    "相談者区分",
    "団体名",
    "業種",
    "所在市町",
    "相談内容区分",
    "相談内容",
    "対応内容",
    "担当",
    "状況",
]
PAST_ROWS = [
    [
        dt.datetime(2021, 6, 26, 0, 0),
        "事業者",
        "小売P",
        "小売業",
        "津市",
        "情報提供",
        "EC",
        "紹介",
        "",
        "完了",
    ],
    ["2021/6/26", "事業者", "製造Q", "", "鈴鹿市", "人材育成", "研修", "講師派遣", "", "完了"],
    ["R3.10.4", "県民グループ", "NPO R", "", "伊賀市", "課題解決", "スマホ", "", "", "完了"],
    ["令和3年6月1日", "市町", "名張市企画課", "", "名張市", "その他", "問合せ", "", "", "対応中"],
]


def test_a_past_log_without_a_result_column_imports_its_closed_rows_as_not_recorded(
    client, mailoutbox
):
    from .factories import staff_user

    result = cases_import(
        read_table(import_workbook(PAST_ROWS, PAST_HEADER), "log.xlsx"), dry_run=False
    )
    assert result.ok, result.errors
    assert result.total == 4
    closed = Case.objects.filter(status="closed").order_by("received_on")
    assert [c.outcome for c in closed] == ["記録なし", "記録なし", "記録なし"]
    assert Case.objects.get(organisation__name="製造Q").support_given == "講師派遣"
    # A 完了 row without 対応内容 either: history, recorded as such rather than refused.
    assert Case.objects.get(organisation__name="NPO R").support_given == "記録なし"
    # An open row has no result yet: nothing is invented for it.
    assert Case.objects.get(organisation__name="名張市企画課").outcome == ""
    # The report names what the records lacked, and how many rows.
    assert result.missing == {"結果": 3, "対応内容": 1, "業種": 1}
    assert result.absent_columns == ["結果"]
    # No mail to anyone for history, and nothing overdue.
    assert mailoutbox == []
    from common.models import OutboxMessage

    assert not OutboxMessage.objects.exists()
    assert not Case.objects.filter(overdue_q_now()).exists()

    # Staff see and filter the result in the case list.
    client.force_login(staff_user())
    listing = client.get("/admin/cases/?outcome=not_recorded").content.decode()
    assert "小売P" in listing and "記録なし" in listing
    assert "名張市企画課" not in listing
    recorded = client.get("/admin/cases/?outcome=recorded").content.decode()
    assert "小売P" not in recorded


def overdue_q_now():
    from cases.selectors import overdue_q

    return overdue_q()


def test_imported_past_cases_never_become_overdue_nor_count_as_survey_answers(time_machine):
    from cases.models import CaseSurvey
    from cases.statistics import satisfaction_statistics

    time_machine.move_to(dt.datetime(2026, 12, 1, 10, 0))
    cases_import(read_table(import_workbook(PAST_ROWS, PAST_HEADER), "log.xlsx"), dry_run=False)
    time_machine.move_to(dt.datetime(2027, 3, 1, 10, 0))
    assert not Case.objects.filter(overdue_q_now()).exists()
    assert not any(case.is_overdue for case in Case.objects.all())
    stats = satisfaction_statistics(2021)
    assert stats["respondents"] == 0 and stats["contribution_rate"] is None
    assert not CaseSurvey.objects.filter(sent_at__isnull=False).exists()


def test_the_command_reports_the_missing_fields(tmp_path, capsys):
    path = tmp_path / "log.xlsx"
    path.write_bytes(import_workbook(PAST_ROWS, PAST_HEADER))
    call_command("import_cases", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "合計 4件を取り込めます" in out
    assert "結果: 3行" in out and "列なし" in out
    assert "対応内容: 1行" in out
    assert Case.objects.count() == 0
    call_command("import_cases", str(path))
    assert Case.objects.filter(outcome="記録なし").count() == 3


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (dt.datetime(2021, 6, 26, 9, 30), dt.date(2021, 6, 26)),
        ("2021/6/26", dt.date(2021, 6, 26)),
        ("R3.10.4", dt.date(2021, 10, 4)),
        ("令和3年6月1日", dt.date(2021, 6, 1)),
        ("令和元年5月7日", dt.date(2019, 5, 7)),
        ("H31.4.26", dt.date(2019, 4, 26)),
        ("Ｒ３．１０．４", dt.date(2021, 10, 4)),
        (44373, dt.date(2021, 6, 26)),  # an Excel date serial in a cell not formatted as a date
    ],
)
def test_mixed_date_spellings(cell, expected):
    row = [cell, *PAST_ROWS[0][1:]]
    result = cases_import(read_table(import_workbook([row], PAST_HEADER), "x.xlsx"), dry_run=False)
    assert result.ok, result.errors
    assert Case.objects.get().received_on == expected


def test_the_upload_preview_lists_the_missing_fields(client):
    from .factories import staff_user

    client.force_login(staff_user())
    upload = io.BytesIO(import_workbook(PAST_ROWS, PAST_HEADER))
    upload.name = "log.xlsx"
    html = client.post("/admin/cases/import/", {"file": upload}).content.decode()
    assert "4件を取り込めます" in html
    assert "結果: 3行（列なし、完了の行は「記録なし」として記録）" in html
    assert "対応内容: 1行" in html


CURRENT_HEADER = [*IMPORT_HEADER, "氏名", "メールアドレス", "電話番号"]


def _current_row(
    received_on, requester="県内事業者", town="津市", email="", phone="", status="受付"
):
    return [
        received_on,
        requester,
        "今日の相談先",
        "",
        town,
        "情報提供",
        "今日受けた相談",
        "",
        "",
        status,
        "",
        "伊勢 一郎",
        email,
        phone,
    ]


def test_todays_work_imported_obeys_the_staff_entry_rules():
    """An open row of the current fiscal year is today's work, not a past record: like staff
    entry, it needs a 市町 for 県・市町 and a way to reach the requester (issue 29)."""
    from django.utils import timezone

    today = timezone.localdate()
    rows = [
        _current_row(today, requester="市町", town="", phone="059-000-0000"),
        _current_row(today),
        _current_row(today + dt.timedelta(days=1), email="a@example.jp"),
    ]
    result = cases_import(read_table(import_workbook(rows, CURRENT_HEADER), "t.xlsx"), dry_run=True)
    reasons = dict(result.errors)
    assert sorted(reasons) == [2, 3, 4]
    assert "所在市町を選択してください" in reasons[2]
    assert "メールアドレスか電話番号" in reasons[3]
    assert "未来" in reasons[4]


def test_todays_work_with_a_phone_is_imported_with_its_contact():
    from django.utils import timezone

    rows = [_current_row(timezone.localdate(), phone="059-222-3333", email="ichiro@example.jp")]
    result = cases_import(
        read_table(import_workbook(rows, CURRENT_HEADER), "t.xlsx"), dry_run=False
    )
    assert result.ok, result.errors
    case = Case.objects.get()
    assert case.contact.family_name == "伊勢" and case.contact.given_name == "一郎"
    assert case.contact.phone == "059-222-3333"
    assert case.contact_email == "ichiro@example.jp"


def test_past_open_records_need_no_contact_details():
    result = cases_import(read_table(import_workbook([ROWS[2]]), "p.xlsx"), dry_run=True)
    assert result.ok, result.errors
