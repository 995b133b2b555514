"""Text in the committee PDF and the disclosure PDF prints as it was written, whatever it is.

The property tests draw text from the characters the embedded Japanese font can draw (BIZ UD
Gothic, else IPAex): printable ASCII (markup characters included), hiragana, katakana, Japanese
punctuation, full-width forms and common kanji, filtered by the font's character map, plus line
breaks and pieces of reportlab markup. A character the font lacks would print as a blank box,
which pdftotext cannot give back, so it is not part of the property.
"""

import datetime as dt
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dxcenter.common.pdf import japanese_font

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not shutil.which("pdftotext"), reason="poppler-utils not installed: run make test"
    ),
]


def pdf_text(content: bytes, *, layout: bool = False) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.pdf"
        path.write_bytes(content)
        return subprocess.run(
            ["pdftotext", "-layout" if layout else "-raw", str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout


def squeeze(text: str) -> str:
    """Without any white space: where a paragraph wraps is the layout's business."""
    return re.sub(r"\s+", "", text)


def _drawable_alphabet() -> list[str]:
    from reportlab.pdfbase import pdfmetrics

    face = getattr(pdfmetrics.getFont(japanese_font()), "face", None)
    candidates = [chr(c) for c in range(0x20, 0x7F)]
    candidates += [chr(c) for c in range(0x3041, 0x3097)]  # hiragana
    candidates += [chr(c) for c in range(0x30A1, 0x30FB)]  # katakana
    candidates += [chr(c) for c in range(0xFF01, 0xFF5F)]  # full-width forms
    candidates += list("、。「」『』（）【】〜ー・…―")
    candidates += list(
        "相談件数受付番号年度月日県内事業者市町村団体人材育成支援内容区分対応完了見積書"
        "在庫管理販売営業情報安全電子化導入検討会社名前住所電話東西南北津四日市伊勢鈴鹿"
        "桑名松阪亀山鳥羽志摩熊野尾鷲名張伊賀講師参加申込満足度紹介先報告本文質問"
    )
    if face is None:  # the CID fallback: no character map to read
        return candidates
    return [c for c in candidates if ord(c) in face.charToGlyph]


ALPHABET = _drawable_alphabet()
MARKUP = ["<br>", "<br/>", "</para>", "<b>", "&amp;", "&", "<Excel>", "Q&A", "<font name=x>", "]]>"]
TEXT = st.lists(
    st.one_of(st.text(alphabet=ALPHABET, min_size=1, max_size=30), st.sampled_from(MARKUP)),
    min_size=1,
    max_size=4,
).map("".join)
MULTILINE = st.lists(TEXT, min_size=1, max_size=3).map("\n".join)
FAST = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def report():
    from dxcenter.reports.report import yearly_report

    return yearly_report(2022)


def _example(request="相談", support="支援", requester="県内事業者"):
    return {
        "reference": "DX-2022-0001",
        "requester": requester,
        "category_label": "課題解決",
        "request": request,
        "support": support,
    }


def _seminar(title="セミナー", lecturers="講師", date="2022-06-24"):
    return {
        "date": date,
        "title": title,
        "lecturers": lecturers,
        "registered": 10,
        "attended": 8,
        "satisfaction": 4.5,
    }


def test_yearly_pdf_prints_ampersands_and_angle_brackets_as_written(report):
    from dxcenter.reports.render import to_pdf

    report["examples"] = [
        _example(request="よくある質問（Q&A）を作りたい", support="見積書<Excel>の様式を提供")
    ]
    report["seminars"] = [_seminar(title="改行<br>のある説明", lecturers="A&B <b>講師</b>")]
    text = pdf_text(to_pdf(report))
    assert "よくある質問（Q&A）" in text and "Q&A;" not in text
    assert "見積書<Excel>" in text
    assert "改行<br>のある説明" in text
    assert "A&B<b>講師</b>" in squeeze(text)


def test_yearly_report_command_survives_a_br_in_a_case_description(tmp_path):
    from django.core.management import call_command

    from cases.models import Case
    from cases.tests.factories import make_case

    case = make_case(
        received_on=dt.date(2022, 6, 1),
        subject="見積書<Excel>",
        description="一行目<br>二行目 & Q&A",
        status=Case.Status.NEW,
    )
    Case.objects.filter(pk=case.pk).update(support_given="<br>手順書を提供", is_report_example=True)
    out = tmp_path / "report.pdf"
    call_command("yearly_report", "--fiscal-year", "2022", "--format", "pdf", "--output", str(out))
    text = squeeze(pdf_text(out.read_bytes()))
    assert squeeze("一行目<br>二行目 & Q&A") in text
    assert "<br>手順書を提供" in text


@pytest.mark.parametrize("date", ["2022-06-24", "2022-12-24", "2023-03-01"])
def test_seminar_dates_in_the_yearly_pdf_stay_on_one_line(report, date):
    from dxcenter.reports.render_pdf import _japanese_date, to_pdf

    report["seminars"] = [_seminar(date=date)]
    lines = pdf_text(to_pdf(report), layout=True).splitlines()
    assert any(_japanese_date(date) in line for line in lines), _japanese_date(date)


@FAST
@given(
    requester=TEXT,
    request=MULTILINE,
    support=MULTILINE,
    title=TEXT,
    lecturers=TEXT,
    kpi=TEXT,
)
def test_any_text_in_the_yearly_pdf_comes_back_out(
    report, requester, request, support, title, lecturers, kpi
):
    from dxcenter.reports.render import to_pdf

    report = dict(report)
    report["examples"] = [_example(request=request, support=support, requester=requester)]
    report["seminars"] = [_seminar(title=title, lecturers=lecturers)]
    report["kpis"] = [
        {"key": "k", "name": kpi, "target": 1.0, "actual": 1.0, "grade": "A", "unit": ""}
    ]
    text = squeeze(pdf_text(to_pdf(report)))
    for written in (requester, request, support, title, lecturers, kpi):
        assert squeeze(written) in text, written


@FAST
@given(email=TEXT, subject=TEXT, description=MULTILINE, mail_body=MULTILINE, label=TEXT)
def test_any_text_in_the_disclosure_pdf_comes_back_out(
    email, subject, description, mail_body, label
):
    from dxcenter.common.disclosure import disclosure_pdf

    data = {
        "email": email,
        "generated_at": "2026-01-05T10:00:00+09:00",
        "contacts": [
            {
                "organisation": subject,
                "cases": [
                    {"subject": subject, "description": description, "notes": [{"body": label}]}
                ],
            },
            {label: "値"},  # a key without a label prints as itself, never read as markup
        ],
        "mails": [{"to": email, "subject": subject, "body": mail_body}],
    }
    text = squeeze(pdf_text(disclosure_pdf(data)))
    for written in (email, subject, description, mail_body, label):
        assert squeeze(written) in text, written
