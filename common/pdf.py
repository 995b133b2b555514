"""What every PDF the product writes shares: the embedded Japanese font and plain text in
reportlab paragraphs.

A reportlab `Paragraph` reads its text as markup: `Q&A` prints as `Q&A;`, `<Excel>` vanishes
and `<br>` stops the document with "paraparser: syntax error". Text from cases, seminars and
people therefore reaches a paragraph only through `text_paragraph`, which escapes it once.

Any text prints: Japanese lines break by 禁則 (``JapaneseParagraph``, in place of reportlab's
own CJK wrap, which hangs one closing mark at most and ignores opening ones): no line starts with
a closing mark or a run of them (」。, ）、), none ends with an opening bracket or quote, a name
written 藤井 隆 stays on one line, and a Latin word moves to the next line whole (only a word
longer than the line is broken). A character the Japanese font lacks (a rare symbol, ❤) is
drawn in DejaVu Sans when that font has it; an emoji beyond U+FFFF and anything else prints as
〓 — never as an empty box or as text that extracts wrongly. Tables split a long row across
pages (``splitInRow``) instead of failing with "Flowable too large".
"""

import io
import logging
import re
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table
from reportlab.platypus.paragraph import ParaLines, cjkU, makeCJKParaLine
from reportlab.rl_config import _FUZZ

logger = logging.getLogger(__name__)

FONT_CANDIDATES = [
    ("BIZUDGothic", "/usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Regular.ttf"),
    ("IPAexGothic", "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"),
    ("IPAexGothic", "/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf"),
]

FALLBACK_FONTS = [
    ("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
]

# What prints in place of a character no embedded font can draw (げた記号, the typesetters' mark).
MISSING_GLYPH = "〓"

# C0 and C1 control characters other than tab and line breaks: nothing a font can draw, and
# some of them are not allowed in the markup reportlab parses.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def japanese_font() -> str:
    """Embed BIZ UD Gothic, else IPAex; the built-in CID font only as a logged fallback."""
    for name, path in FONT_CANDIDATES:
        if name in pdfmetrics.getRegisteredFontNames():
            return name
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont(name, path))
            return name
    logger.warning(
        "No Japanese TrueType font found; falling back to HeiseiKakuGo-W5 (not embedded)"
    )
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    return "HeiseiKakuGo-W5"


def _char_map(font_name: str) -> set[int] | None:
    """The code points a registered TrueType font draws (None for a CID font: no map to read)."""
    face = getattr(pdfmetrics.getFont(font_name), "face", None)
    return None if face is None else face.charToGlyph


def fallback_font() -> str | None:
    """The font for characters the Japanese font lacks, registered on first use (None if absent)."""
    for name, path in FALLBACK_FONTS:
        if name in pdfmetrics.getRegisteredFontNames():
            return name
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont(name, path))
            return name
    return None


def _font_of(char: str, main: set[int] | None, extra: set[int] | None) -> str:
    """'main', 'fallback' or 'missing': which font draws ``char``."""
    if main is None or ord(char) in main or char == "\n":
        return "main"
    # reportlab writes a wrong ToUnicode entry for a character beyond U+FFFF (😀 extracts as
    # ὠ), so those print as 〓 rather than as a glyph whose text is lost.
    if extra is not None and ord(char) in extra and ord(char) <= 0xFFFF:
        return "fallback"
    return "missing"


_EDGE_BLANK_LINES = re.compile(r"^(?:[ \t\u3000]*\n)+|(?:\n[ \t\u3000]*)+$")
_BLANK_LINES = re.compile(r"\n[ \t\u3000]*(?:\n[ \t\u3000]*)+\n")


def paragraph_markup(text) -> str:
    """Plain text as reportlab paragraph markup that prints exactly that text, line breaks kept.

    Characters the Japanese font lacks go to the fallback font, or print as 〓.
    """
    text = _CONTROL.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    # Blank lines print as one, none at either end: a field of line breaks is not a page of
    # empty lines (and a cell of empty lines is a row reportlab cannot split).
    text = _EDGE_BLANK_LINES.sub("", _BLANK_LINES.sub("\n\n", text))
    main = _char_map(japanese_font())
    fallback = fallback_font()
    extra = _char_map(fallback) if fallback else None
    out, run, run_kind = [], [], "main"

    def flush():
        chunk = escape("".join(run))
        if run_kind == "fallback":
            chunk = f'<font name="{fallback}">{chunk}</font>'
        out.append(chunk)

    for char in text:
        kind = _font_of(char, main, extra)
        if kind == "missing":
            char, kind = MISSING_GLYPH, "main"
        if kind != run_kind and run:
            flush()
            run = []
        run_kind = kind
        run.append(char)
    if run:
        flush()
    # reportlab folds white space, the ideographic space (U+3000, as in 藤井　隆) included,
    # into one ASCII space before it parses; as a character reference it prints as written.
    return "".join(out).replace("\n", "<br/>").replace("\u3000", "&#12288;")


_WRAPPED_STYLES: dict[int, ParagraphStyle] = {}


def wrapping_style(style: ParagraphStyle) -> ParagraphStyle:
    """``style`` with Japanese line breaking (禁則) unless it already names a wrap mode."""
    if getattr(style, "wordWrap", None):
        return style
    wrapped = _WRAPPED_STYLES.get(id(style))
    if wrapped is None or wrapped.parent is not style:
        wrapped = ParagraphStyle(f"{style.name}-cjk", parent=style, wordWrap="CJK")
        _WRAPPED_STYLES[id(style)] = wrapped
    return wrapped


# 禁則 (JIS X 4051): what may not start a line (closing brackets and quotes, punctuation,
# small kana, the long-vowel mark, iteration marks) and what may not end one (opening brackets
# and quotes). A run of them (」。 or ）、) stays together: no break anywhere inside it.
CANNOT_START = set(
    "」』）】〕］｝〉》〙〗〟’”｠»、。，．・：；？！‼⁇⁈⁉ゝゞヽヾ々〻ーぁぃぅぇぉっゃゅょゎゕゖ"
    "ァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ…‥〜～"
    ")]},.:;?!%"
)
CANNOT_END = set("「『（【〔［｛〈《〘〖〝‘“｟«([{")
# A person's name as Japanese writes it: family and given name in kanji with a space between
# (藤井 隆, 藤井　隆). It stays on one line.
_NAME = re.compile(
    r"[\u4e00-\u9fff\u3005\u3006\u30f6]{1,4}[ \u3000][\u4e00-\u9fff\u3005\u3006\u30f6]{1,4}"
)


def _is_latin(char: str) -> bool:
    """A letter, digit or sign of a word in Latin script (not a space, not CJK)."""
    return bool(char) and not char.isspace() and ord(char) < 0x2E80


def break_opportunities(text: str) -> list[bool]:
    """For each position i (0 < i < len(text)): may a line break fall before text[i]?

    Not before a closing mark, not after an opening one, not inside a Latin word (a run of
    Latin letters, digits and signs), not inside a name (漢字 space 漢字), not before a space
    (it hangs at the line end); anywhere else between Japanese characters and after a space.
    """
    allowed = [True] * (len(text) + 1)
    allowed[0] = False
    for i in range(1, len(text)):
        before, char = text[i - 1], text[i]
        inside_word = _is_latin(before) and _is_latin(char)
        if char in CANNOT_START or before in CANNOT_END or char.isspace() or inside_word:
            allowed[i] = False
    for match in _NAME.finditer(text):
        for i in range(match.start() + 1, match.end()):
            allowed[i] = False
    return allowed[: len(text)]


def break_lines(widths: list[float], text: str, max_widths: list[float]) -> list[int]:
    """Where the lines of ``text`` end (exclusive indexes), each character ``widths[i]`` wide.

    A line holds as much as fits and ends at the last break opportunity; when there is none
    (a Latin word or a run longer than the line) it breaks where the line is full. A space that
    overflows hangs at the line's end. Forced breaks ("\n") end a line without being printed.
    """
    allowed = break_opportunities(text)
    ends = []
    start, used, line = 0, 0.0, 0
    i = 0
    while i < len(text):
        max_width = max_widths[min(line, len(max_widths) - 1)]
        if text[i] == "\n":
            ends.append(i)
            start, used, line, i = i + 1, 0.0, line + 1, i + 1
            continue
        used += widths[i]
        if used > max_width + _FUZZ and i > start and not text[i].isspace():
            end = next((j for j in range(i, start, -1) if allowed[j]), i)
            ends.append(end)
            start, used, line = end, 0.0, line + 1
            i = end
            continue
        i += 1
    ends.append(len(text))
    return ends


class JapaneseParagraph(Paragraph):
    """A Paragraph whose lines break by 禁則 (see ``break_opportunities``), in any mix of fonts."""

    def breakLinesCJK(self, maxWidths):
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara  # the second half of a split paragraph: its lines are set
        autoLeading = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
        calc_bounds = autoLeading not in ("", "off")
        glyphs = []
        for frag in self.frags:
            text = frag.text if isinstance(frag.text, str) else frag.text.decode("utf8")
            if hasattr(frag, "lineBreak"):
                glyphs.append(cjkU("\n", frag, "utf8"))
            glyphs.extend(cjkU(char, frag, "utf8") for char in text)
        if not glyphs:
            return super().breakLinesCJK(maxWidths)
        text = "".join(glyphs)
        widths = [0.0 if g == "\n" else g.width for g in glyphs]
        lines, start = [], 0
        for n, end in enumerate(break_lines(widths, text, list(maxWidths))):
            max_width = maxWidths[min(n, len(maxWidths) - 1)]
            forced = end < len(text) and text[end] == "\n"
            used = sum(widths[start:end])
            lines.append(
                makeCJKParaLine(
                    glyphs[start:end], max_width, used, max_width - used, forced, calc_bounds
                )
            )
            start = end + 1 if forced else end
        return ParaLines(kind=1, lines=lines)


def text_paragraph(text, style):
    """A reportlab Paragraph printing `text` as written (never read as markup), wrapped with 禁則."""
    return JapaneseParagraph(paragraph_markup(text), wrapping_style(style))


def splitting_table(rows, **kwargs) -> Table:
    """A table whose rows split across pages when a cell is taller than a page.

    reportlab splits a row only when every cell of it can split: one plain value beside a tall
    paragraph (「8名」 beside a long 講師 field) made the whole PDF fail with LayoutError. A body
    row that holds a paragraph must hold nothing else but paragraphs (or empty cells).
    """
    for number, row in enumerate(rows[kwargs.get("repeatRows", 0) :], 1):
        flowing = [isinstance(cell, Flowable) for cell in row]
        plain = [
            cell for cell, f in zip(row, flowing, strict=True) if not f and cell not in ("", None)
        ]
        if any(flowing) and plain:
            raise ValueError(
                f"row {number} mixes plain values with paragraphs, so it cannot split across "
                "pages: wrap every cell with text_paragraph()"
            )
    return Table(rows, splitByRow=1, splitInRow=1, **kwargs)


def a4_pdf(story: list, *, title: str, author: str) -> bytes:
    """The flowables of ``story`` as an A4 PDF with the margins every document of the product uses."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        author=author,
    )
    doc.build(story)
    return buffer.getvalue()
