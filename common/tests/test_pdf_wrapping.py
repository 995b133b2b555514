"""Issue 28: Japanese line breaking (禁則) in every PDF paragraph (common.pdf.text_paragraph).

Each test slides the interesting spot across the line end (one more character in front of it
each time) so that it meets the end of a line at least once, and reads the lines as the PDF
prints them."""

import pytest
from reportlab.lib.styles import ParagraphStyle

from common.pdf import japanese_font, text_paragraph

WIDTH = 120  # points: 12 characters of 10 pt
OPENING = "「『（【〔［｛〈《“‘"
CLOSING_RUNS = ["」。", "）、", "』」。", "】、", "。」", "！」", "…。"]


def lines_of(text: str, width: float = WIDTH) -> list[str]:
    style = ParagraphStyle("t", fontName=japanese_font(), fontSize=10, leading=14)
    paragraph = text_paragraph(text, style)
    paragraph.wrap(width, 10_000)
    lines = []
    for line in paragraph.blPara.lines:
        if isinstance(line, tuple):  # reportlab's simple lines: (extra space, [text])
            lines.append("".join(line[1]))
        else:
            lines.append("".join(word.text for word in line.words))
    return lines


def sliding(piece: str, filler: str = "あ", times: int = 14) -> list[str]:
    return [filler * k + piece for k in range(1, times)]


@pytest.mark.parametrize("opening", list(OPENING))
def test_an_opening_bracket_or_quote_never_ends_a_line(opening):
    for text in sliding(f"{opening}資料{opening}を見る"):
        lines = lines_of(text)
        assert "".join(lines) == text
        for line in lines[:-1]:
            assert not line.rstrip().endswith(opening), lines


@pytest.mark.parametrize("run", CLOSING_RUNS)
def test_no_closing_mark_starts_a_line_even_in_a_run(run):
    for text in sliding(f"資料{run}次の文"):
        lines = lines_of(text)
        assert "".join(lines) == text
        for line in lines[1:]:
            assert line[0] not in "」』）】、。！…", lines


@pytest.mark.parametrize("space", [" ", "\u3000"])
def test_a_persons_name_is_never_split(space):
    name = f"藤井{space}隆"
    for text in sliding(f"{name}さんから相談"):
        lines = lines_of(text)
        assert "".join(lines) == text
        assert sum(line.count(name) for line in lines) == 1, lines


def test_latin_words_move_to_the_next_line_whole():
    for text in sliding("Excel、Word and PowerPointで管理"):
        lines = lines_of(text)
        assert "".join(lines) == text
        joined = "|".join(lines)
        for word in ("Excel", "Word", "PowerPoint"):
            assert word in joined, lines


def test_only_a_word_longer_than_the_line_is_broken_and_each_line_is_full():
    word = "Supercalifragilistic" * 5
    lines = lines_of(f"あ{word}い")
    assert "".join(lines) == f"あ{word}い"
    assert lines[0] == "あ"  # the word starts on a line of its own
    assert all(len(line) > 10 for line in lines[1:-1]), lines


def test_a_line_break_in_the_text_ends_the_line_there():
    assert lines_of("一行目\n「二行目」、\n\n三") == ["一行目", "「二行目」、", "", "三"]


def test_a_table_row_mixing_a_plain_value_with_paragraphs_is_refused_where_it_is_built():
    """reportlab cannot split such a row across pages: the PDF failed only when a cell was long."""
    from reportlab.lib.styles import ParagraphStyle

    from common.pdf import japanese_font, splitting_table, text_paragraph

    style = ParagraphStyle("s", fontName=japanese_font(), fontSize=8, leading=11)
    with pytest.raises(ValueError, match="row 1 mixes plain values"):
        splitting_table([["見出し", "人数"], [text_paragraph("講師", style), 8]], repeatRows=1)
    table = splitting_table([["見出し", "人数"], [text_paragraph("講師", style), ""]], repeatRows=1)
    assert table._nrows == 2
