"""What every PDF the product writes shares: the embedded Japanese font and plain text in
reportlab paragraphs.

A reportlab `Paragraph` reads its text as markup: `Q&A` prints as `Q&A;`, `<Excel>` vanishes
and `<br>` stops the document with "paraparser: syntax error". Text from cases, seminars and
people therefore reaches a paragraph only through `text_paragraph`, which escapes it once.
"""

import io
import logging
import re
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate

logger = logging.getLogger(__name__)

FONT_CANDIDATES = [
    ("BIZUDGothic", "/usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Regular.ttf"),
    ("IPAexGothic", "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"),
    ("IPAexGothic", "/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf"),
]

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


def paragraph_markup(text) -> str:
    """Plain text as reportlab paragraph markup that prints exactly that text, line breaks kept."""
    text = _CONTROL.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    return escape(text).replace("\n", "<br/>")


def text_paragraph(text, style):
    """A reportlab Paragraph printing `text` as written (never read as markup)."""
    return Paragraph(paragraph_markup(text), style)


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
