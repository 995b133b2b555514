"""The municipality choices of the public forms come from the shared cache, kept current."""

from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.forms import MunicipalityChoiceField
from common.models import Municipality


class _Form(forms.Form):
    municipality = MunicipalityChoiceField(queryset=Municipality.objects.all(), required=False)


def test_choices_are_read_once_and_follow_an_edit(db):
    first = Municipality.objects.order_by("sort_order", "code").first()
    _Form().as_p()  # the first form reads the list
    with CaptureQueriesContext(connection) as queries:
        html = _Form().as_p()
    assert len(queries) == 0
    assert html.count("<option") == Municipality.objects.count() + 1  # and the empty choice
    first.name = "改名した市"
    first.save()
    assert "改名した市" in _Form().as_p()
    assert _Form({"municipality": first.pk}).is_valid()
