"""StreamField blocks of the public pages."""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks


class NoticeBlock(blocks.StructBlock):
    """A boxed notice (お知らせ枠) for text that must not be missed."""

    heading = blocks.CharBlock(label=_("見出し"), required=False)
    text = blocks.RichTextBlock(label=_("本文"), features=["bold", "link", "ol", "ul"])

    class Meta:
        icon = "warning"
        label = _("注意書き")
        template = "cms/blocks/notice.html"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("見出し"))
    text = blocks.TextBlock(label=_("説明"))


class StepsBlock(blocks.StructBlock):
    """Numbered steps, e.g. the consultation flow 申込 → 確認 → ご紹介 → 支援."""

    steps = blocks.ListBlock(StepBlock(), label=_("手順"))

    class Meta:
        icon = "list-ol"
        label = _("手順")
        template = "cms/blocks/steps.html"


class FaqItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("質問"))
    answer = blocks.RichTextBlock(label=_("回答"), features=["bold", "link", "ol", "ul"])

    class Meta:
        icon = "help"
        label = _("よくある質問")
        template = "cms/blocks/faq_item.html"


class FeatureBlock(blocks.StructBlock):
    """One of the things the center does, shown as a card on the home page."""

    title = blocks.CharBlock(label=_("見出し"))
    text = blocks.TextBlock(label=_("説明"))
    page = blocks.PageChooserBlock(label=_("詳しく（ページ）"), required=False)

    class Meta:
        icon = "tick"
        label = _("取組")


class LinkBlock(blocks.StructBlock):
    """A footer link to a page of the site (followed into the visitor's language) or a URL."""

    page = blocks.PageChooserBlock(label=_("ページ"), required=False)
    url = blocks.URLBlock(label=_("URL"), required=False)
    label = blocks.CharBlock(label=_("表示名"), required=False, help_text=_("空欄はページ名"))
    label_en = blocks.CharBlock(label=_("表示名（英語）"), required=False)

    class Meta:
        icon = "link"
        label = _("リンク")


def body_blocks() -> list:
    return [
        (
            "heading",
            blocks.CharBlock(
                form_classname="title", label=_("見出し"), template="cms/blocks/heading.html"
            ),
        ),
        ("paragraph", blocks.RichTextBlock(label=_("本文"))),
        ("notice", NoticeBlock()),
        ("steps", StepsBlock()),
        ("faq", FaqItemBlock()),
    ]
