"""Seminar and programme choosers speak the language of the request that shows them
(common/choosers.py).

Found in CI: after an English-speaking request had built the seminar form, Japanese staff saw
「Choose Seminar (date and venue)」 on the seminar and 個別相談会 series forms.
"""

import re

import pytest

from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils import translation

from wagtail.snippets.views.chooser import SnippetChooserViewSet

from events.models import Seminar, SeminarProgramme


@pytest.mark.parametrize("model", [Seminar, SeminarProgramme])
def test_a_chooser_built_for_an_english_request_reads_japanese_to_japanese_staff(model):
    with translation.override("en"):
        widget = model.snippet_viewset.chooser_viewset.widget_class()
        assert str(widget.choose_one_text).startswith("Choose ")
    with translation.override("ja"):
        html = widget.render("field", None, attrs={"id": "id_field"})
        caption = str(widget.choose_one_text)
    assert "Choose" not in caption and str(model._meta.verbose_name) not in ("", caption)
    with translation.override("ja"):
        assert str(model._meta.verbose_name) in caption
    assert caption in html and not re.search(r"\bChoose\b", html)


def test_a_snippet_with_wagtails_own_chooser_fails_the_check(monkeypatch):
    call_command("check")
    monkeypatch.setattr(Seminar.snippet_viewset, "chooser_viewset_class", SnippetChooserViewSet)
    with pytest.raises(SystemCheckError, match=r"events\.Seminar: its chooser captions") as failure:
        call_command("check")
    assert "common.E012" in str(failure.value)
