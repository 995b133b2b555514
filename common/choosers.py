"""Snippet choosers whose captions follow the language of the request that renders them.

Wagtail's `AdminSnippetChooser` formats 「Choose %(object)s」 with the model's name when the
widget is built, in the language active at that moment, and a built widget outlives the request
that built it. A seminar form first built for an English-speaking request then offered
「Choose Seminar (date and venue)」 to Japanese-speaking staff. These captions are formatted when
they are rendered. Every registered snippet uses this chooser (system check common.E012).
"""

from django.utils.functional import lazy
from django.utils.translation import gettext

from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.widgets import AdminSnippetChooser


def _caption(msgid: str, model) -> str:
    return gettext(msgid) % {"object": model._meta.verbose_name}


_lazy_caption = lazy(_caption, str)


class SnippetChooser(AdminSnippetChooser):
    def __init__(self, model=None, **kwargs):
        super().__init__(model=model, **kwargs)
        self.choose_one_text = _lazy_caption("Choose %(object)s", self.model)
        self.choose_another_text = _lazy_caption("Choose another %(object)s", self.model)
        self.link_to_chosen_text = _lazy_caption("Edit this %(object)s", self.model)


class ChooserViewSet(SnippetChooserViewSet):
    base_widget_class = SnippetChooser


def snippets_with_an_eager_chooser() -> list[str]:
    """Registered snippet models whose chooser widget is not `SnippetChooser`."""
    from wagtail.snippets.models import get_snippet_models

    return sorted(
        model._meta.label
        for model in get_snippet_models()
        if not issubclass(model.snippet_viewset.chooser_viewset.widget_class, SnippetChooser)
    )
