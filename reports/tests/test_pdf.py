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
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.pdf import japanese_font

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
    from reports.report import yearly_report

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
    from reports.render import to_pdf

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
    from reports.render_pdf import _japanese_date, to_pdf

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
    from reports.render import to_pdf

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
    from common.disclosure import disclosure_pdf

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


LATIN_WORD = "Supercalifragilistic" * 10  # 200 characters without a break
EMOJI = "\U0001f600\U0001f44d"  # beyond U+FFFF: printed as 〓
SYMBOL = "\u2764"  # ❤: not in the Japanese font, drawn by the fallback font


def _long_description(limit=4000):
    """A description at the form's limit: Japanese sentences, emoji, markup, a 200-letter word."""
    piece = (
        "Excelの在庫管理表を作り直したい、と藤井 隆さんから相談がありました。"
        f"見積書<br>請求書 & 納品書{EMOJI}{SYMBOL}を一つの様式にまとめ、「、」や「。」の位置も確認。"
    )
    text = piece * (limit // len(piece))
    text = text[: limit // 2] + LATIN_WORD + text[limit // 2 :]
    return text[:limit]


def test_a_report_example_at_the_form_limit_prints_over_several_pages(tmp_path):
    from django.core.management import call_command

    from cases.forms import TEXT_LIMIT
    from cases.models import Case
    from cases.tests.factories import make_case

    description = _long_description(TEXT_LIMIT)
    assert len(description) == TEXT_LIMIT
    case = make_case(
        received_on=dt.date(2022, 6, 1),
        subject="在庫管理",
        description=description,
        status=Case.Status.NEW,
    )
    Case.objects.filter(pk=case.pk).update(support_given="手順書を提供", is_report_example=True)
    out = tmp_path / "report.pdf"
    call_command("yearly_report", "--fiscal-year", "2022", "--format", "pdf", "--output", str(out))
    content = out.read_bytes()
    assert content.count(b"/Type /Page\n") + content.count(b"/Type /Page ") >= 3
    text = squeeze(pdf_text(content))
    # The other cells of the row and the header repeated on each page, out of the way.
    for other in ("手順書を提供", "相談者区分相談内容センターによる支援"):
        text = text.replace(other, "")
    # Everything comes back in order; each emoji as the visible 〓, never as a blank box.
    assert squeeze(re.sub(f"[{EMOJI}]", "〓", description)) in text
    for line in pdf_text(content, layout=True).splitlines():
        assert not line.strip().startswith(("、", "。")), line


def test_the_yearly_pdf_of_a_year_with_a_long_example_is_rendered():
    from cases.forms import TEXT_LIMIT
    from cases.models import Case
    from cases.tests.factories import make_case

    case = make_case(received_on=dt.date(2022, 6, 1), status=Case.Status.NEW)
    Case.objects.filter(pk=case.pk).update(
        description=_long_description(TEXT_LIMIT), is_report_example=True
    )
    from reports.render import to_pdf
    from reports.report import yearly_report

    assert to_pdf(yearly_report(2022)).startswith(b"%PDF")


def test_the_yearly_pdf_names_fiscal_years_as_the_committee_papers_do(report):
    from reports.render import to_pdf

    report = dict(report)
    report["cumulative"] = dict(report["cumulative"], by_fiscal_year={2021: 29, 2022: 52})
    text = pdf_text(to_pdf(report), layout=True)
    title = text.strip().splitlines()[0]
    assert "令和4年度" in title and "2022" not in title
    assert "R3: 29件、R4: 52件" in text
    assert "当該年度（R4）" in text and "累計（R3〜R4）" in text
    assert "2021年度" not in text


HEADINGS = (
    "1 相談件数",
    "2 相談者区分別",
    "3 相談内容区分別",
    "4 具体的な",
    "5 みえDX",
    "6 個別相談会",
)


def test_no_page_of_the_yearly_pdf_ends_with_a_heading(report):
    from reports.render import to_pdf

    report = dict(report)
    for length in range(0, 1500, 120):  # moves the later sections down the pages
        report["examples"] = [_example(request="あ" * length)]
        pages = pdf_text(to_pdf(report), layout=True).split("\f")
        for page in pages:
            lines = [line.strip() for line in page.splitlines() if line.strip()]
            assert not (lines and lines[-1].startswith(HEADINGS)), (length, lines[-1])


def up_to(limit: int):
    """Text of 1 to ``limit`` characters: drawn pieces repeated, emoji and line breaks included."""
    pieces = st.one_of(TEXT, st.sampled_from([EMOJI, SYMBOL, "\n", LATIN_WORD, "、。」"]))
    return st.builds(
        lambda parts, n: ("".join(parts) * (n // max(len("".join(parts)), 1) + 1))[:n],
        st.lists(pieces, min_size=1, max_size=6),
        st.integers(1, limit),
    )


def _characters(*texts) -> Counter:
    """The characters a reader finds in the PDF: each emoji beyond U+FFFF as 〓."""
    return Counter(squeeze(re.sub(f"[{EMOJI}]", "〓", "".join(texts))))


LONG = settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@LONG
@given(
    requester=up_to(200),
    request=up_to(4000),
    support=up_to(4000),
    title=up_to(255),
    lecturers=up_to(1000),
    kpi=up_to(100),
)
def test_texts_up_to_the_forms_limits_in_every_field_of_the_yearly_pdf(
    report, requester, request, support, title, lecturers, kpi
):
    from reports.render import to_pdf

    report = dict(report)
    report["examples"] = [_example(request=request, support=support, requester=requester)]
    report["seminars"] = [_seminar(title=title, lecturers=lecturers)]
    report["kpis"] = [
        {"key": "k", "name": kpi, "target": 1.0, "actual": 1.0, "grade": "A", "unit": ""}
    ]
    content = to_pdf(report)  # 禁則 is checked on real sentences above, not on drawn runs
    # Long cells split over pages side by side, so the reading order mixes columns: every
    # character must still be there.
    found = _characters(pdf_text(content))
    assert not _characters(requester, request, support, title, lecturers, kpi) - found


@LONG
@given(
    email=up_to(254),
    subject=up_to(200),
    description=up_to(4000),
    mail_body=up_to(4000),
    note=up_to(4000),
)
def test_texts_up_to_the_forms_limits_in_every_field_of_the_disclosure_pdf(
    email, subject, description, mail_body, note
):
    from common.disclosure import disclosure_pdf

    data = {
        "email": email,
        "generated_at": "2026-01-05T10:00:00+09:00",
        "contacts": [
            {
                "organisation": subject,
                "cases": [
                    {"subject": subject, "description": description, "notes": [{"body": note}]}
                ],
            }
        ],
        "mails": [{"to": email, "subject": subject, "body": mail_body}],
    }
    content = disclosure_pdf(data)
    text = squeeze(pdf_text(content))
    for written in (email, subject, description, mail_body, note):
        assert squeeze(re.sub(f"[{EMOJI}]", "〓", written)) in text


def test_latin_words_in_japanese_text_are_never_broken(report):
    from reports.render import to_pdf

    report = dict(report)
    # Each sentence one character longer than the last: "Excel" meets every line end.
    request = "".join(f"{'あ' * k}Excelで管理。" for k in range(1, 40))
    report["examples"] = [_example(request=request)]
    text = pdf_text(to_pdf(report), layout=True)
    assert text.count("Excel") == request.count("Excel")


def test_the_yearly_pdf_breaks_japanese_lines_by_kinsoku(report):
    """Issue 28: in the printed committee PDF no line starts with a closing mark (nor a run of
    them, 」。 or ）、), none ends with an opening bracket, a name 藤井 隆 stays on one line and
    a Latin word is never cut. The sentence grows by one character each time, so that every
    mark meets a line end."""
    from reports.render import to_pdf

    report = dict(report)
    request = "".join(f"{'あ' * k}「資料」）、藤井 隆さん（Excel）。" for k in range(1, 30))
    report["examples"] = [_example(request=request)]
    lines = [line.strip() for line in pdf_text(to_pdf(report)).splitlines() if line.strip()]
    for line in lines:
        assert not line.startswith(tuple("」）、。")), line
        assert not line.endswith(tuple("「（")), line
    text = "\n".join(lines)
    assert text.count("藤井 隆") == request.count("藤井 隆")
    assert text.count("Excel") == request.count("Excel")


@pytest.mark.parametrize(
    ("label", "lines"),
    [
        ("人材育成（セミナー開催等の相談）", ["人材育成（セミナー開催等の", "相談）"]),
        ("あいうえおかきくけこさし（DX）の相談", ["あいうえおかきくけこさし", "（DX）の相談"]),
        ("あいうえおかきくけこさしす」。の相談", ["あいうえおかきくけこさし", "す」。の相談"]),
        ("その他", ["その他"]),
    ],
)
def test_chart_labels_wrap_by_kinsoku(label, lines):
    from reports.render_pdf import _wrap

    assert _wrap(label).split("\n") == lines


@pytest.mark.parametrize("lecturers", ["\n" * 128, " \n\u3000\n" * 200, "講師\n\n\n\n\n" * 40])
def test_a_cell_of_blank_lines_prints_as_one_blank_line_and_the_pdf_renders(report, lecturers):
    """Found by the property test above: a seminar whose 講師 field held 128 line breaks made
    the committee PDF fail (LayoutError: a row of empty lines that reportlab cannot split)."""
    from reports.render import to_pdf

    report = dict(report)
    report["seminars"] = [_seminar(title="長い講師欄", lecturers="講師")]
    pages_with_a_short_cell = pdf_text(to_pdf(report)).count("\f")
    report["seminars"] = [_seminar(title="長い講師欄", lecturers=lecturers)]
    text = pdf_text(to_pdf(report))
    assert "長い講師欄" in text
    assert text.count("講師") >= lecturers.count("講師")
    # Runs of blank lines print as one: 40 names with blank lines between fit where they did.
    assert text.count("\f") <= pages_with_a_short_cell + (1 if "講師" in lecturers else 0)
