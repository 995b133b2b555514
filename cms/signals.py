"""Purge the page cache when anything shown on public pages changes."""

from django.db.models.signals import post_delete

from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from common.models import CenterSettings
from common.page_cache import shown_on_public_pages
from partners.models import Advisor, ExpertiseArea, PartnerCompany

from . import cache
from .models import FooterLinks


def _purge(sender=None, **kwargs):
    cache.purge()


def _purge_page_deleted(sender=None, instance=None, **kwargs):
    if isinstance(instance, Page):
        cache.purge()


def connect() -> None:
    page_published.connect(_purge, dispatch_uid="cms_purge_published")
    page_unpublished.connect(_purge, dispatch_uid="cms_purge_unpublished")
    post_page_move.connect(_purge, dispatch_uid="cms_purge_moved")
    post_delete.connect(_purge_page_deleted, dispatch_uid="cms_purge_page_deleted")
    shown_on_public_pages(Site, CenterSettings, FooterLinks, Advisor, PartnerCompany, ExpertiseArea)
