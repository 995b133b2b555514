import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from common.site import home_page
from events import demo
from events.models import Seminar, SeminarPage, SeminarProgramme
from events.services import seminar_saved

TOKYO = ZoneInfo("Asia/Tokyo")


def seminar_index():
    return demo.seminar_index(home_page())


def make_seminar(
    *, days=20, capacity_venue=2, capacity_online=None, format="venue", title=None, **fields
):
    """A seminar (the `Seminar`) presented by a published Japanese page (`seminar.url`)."""
    index = seminar_index()
    starts = (
        (timezone.now() + dt.timedelta(days=days))
        .astimezone(TOKYO)
        .replace(hour=14, minute=0, second=0, microsecond=0)
    )
    page_fields = {f: fields.pop(f) for f in PAGE_FIELDS if f in fields}
    seminar = Seminar.objects.create(
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        format=format,
        venue_name="津市の会場",
        venue_address="三重県津市広明町13",
        online_url="https://meet.example.jp/secret-room",
        capacity_venue=capacity_venue,
        capacity_online=capacity_online,
        **fields,
    )
    page = SeminarPage(
        title=title or f"テストセミナー{SeminarPage.objects.count() + 1}",
        slug=f"test-seminar-{SeminarPage.objects.count() + 1}",
        seminar=seminar,
        **page_fields,
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return seminar


PAGE_FIELDS = ("summary", "target_audience", "body", "materials")


def seminar_page(seminar: Seminar) -> SeminarPage:
    """The seminar's page in Japanese."""
    return SeminarPage.objects.get(seminar=seminar, locale__language_code="ja")


def seminar_change(seminar: Seminar, **changes) -> dict:
    """Staff change the seminar in the admin (saved, then told to registrants)."""
    for field, value in changes.items():
        setattr(seminar, field, value)
    seminar.full_clean()
    seminar.save()
    return seminar_saved(seminar=seminar)


def seminar_publish(seminar: Seminar) -> dict:
    """Staff save the seminar as it stands in the admin (then registrants are told)."""
    seminar.full_clean()
    seminar.save()
    return seminar_saved(seminar=seminar)


def make_programme(*, name, title, venues, days=20, capacity_venue=2):
    """A programme with one date per venue (a day apart from `days` on) and its one page."""
    programme = SeminarProgramme.objects.create(name=name)
    dates = []
    for i, venue in enumerate(venues):
        starts = (
            (timezone.now() + dt.timedelta(days=days + i))
            .astimezone(TOKYO)
            .replace(hour=10, minute=0, second=0, microsecond=0)
        )
        dates.append(
            Seminar.objects.create(
                programme=programme,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                format="venue",
                venue_name=venue,
                venue_address=f"三重県{venue}",
                capacity_venue=capacity_venue,
            )
        )
    page = SeminarPage(title=title, slug=f"programme-{programme.pk}", programme=programme)
    seminar_index().add_child(instance=page)
    page.save_revision().publish()
    return page, dates
