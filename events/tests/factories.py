import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from dxcenter.common.site import home_page
from events import demo
from events.models import SeminarPage

TOKYO = ZoneInfo("Asia/Tokyo")


def seminar_index():
    return demo.seminar_index(home_page())


def make_seminar(
    *, days=20, capacity_venue=2, capacity_online=None, format="venue", title=None, **fields
):
    index = seminar_index()
    starts = (
        (timezone.now() + dt.timedelta(days=days))
        .astimezone(TOKYO)
        .replace(hour=14, minute=0, second=0, microsecond=0)
    )
    page = SeminarPage(
        title=title or f"テストセミナー{SeminarPage.objects.count() + 1}",
        slug=f"test-seminar-{SeminarPage.objects.count() + 1}",
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
    index.add_child(instance=page)
    page.save_revision().publish()
    return page
