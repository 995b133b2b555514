"""Japanese site search with Wagtail's database backend.

Japanese is written without spaces, so full-text backends see a whole sentence as one word and
"シフト" never matches "勤務シフト表を作成したい". The classic answer is bi-grams: every page also
indexes the overlapping pairs of characters of its Japanese text, and a Japanese query becomes
the pairs it contains, all required. It works the same on SQLite and PostgreSQL.
"""

import re

from django.utils.html import strip_tags

from wagtail.fields import StreamValue
from wagtail.search import index

from .view_restrictions import ViewRestrictionsInOneQueryMixin

CJK_RUN = re.compile(r"[\u3005\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]+")


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs of every run of Japanese script (a lone character stays)."""
    grams: list[str] = []
    for run in CJK_RUN.findall(text or ""):
        grams.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
    return grams


def expand_query(query: str) -> str:
    """Words other than Japanese stay as typed; Japanese becomes its bi-grams."""
    words: list[str] = []
    for term in query.split():
        rest = CJK_RUN.sub(" ", term).split()
        words.extend(rest)
        words.extend(dict.fromkeys(bigrams(term)))
    return " ".join(words)


def plain_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, StreamValue):
        return strip_tags(value.render_as_block())
    return strip_tags(str(value))


class JapaneseSearchMixin(ViewRestrictionsInOneQueryMixin):
    """Add ``index.SearchField("search_bigrams")`` to a page's search_fields to use it. (Every
    page type has it: it also reads the page's view restrictions in one query.)"""

    def search_bigrams(self) -> str:
        parts = []
        for field in type(self).search_fields:
            name = getattr(field, "field_name", "")
            if not isinstance(field, index.SearchField) or name == "search_bigrams":
                continue
            value = getattr(self, name, "")
            parts.append(plain_text(value() if callable(value) else value))
        return " ".join(dict.fromkeys(bigrams(" ".join(parts))))


BIGRAMS = index.SearchField("search_bigrams")
