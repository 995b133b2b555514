"""Work the public newsletter page hands to the worker, so that it answers alike for everyone."""

from django_tasks import task

from common.models import PurposeNotice

from .signup import newsletter_signup


@task()
def newsletter_signup_dispatch(
    name: str, email: str, organisation: str, language: str, notice_id: int | None
) -> None:
    """Find or create the person and start the double opt-in (see ``newsletter_signup``)."""
    notice = PurposeNotice.objects.filter(pk=notice_id).first() if notice_id else None
    newsletter_signup(
        name=name, email=email, organisation=organisation, language=language, notice=notice
    )


def newsletter_signup_queue(
    *, name: str, email: str, organisation: str, language: str, notice: PurposeNotice | None
) -> None:
    """Queue a subscribe-page submission: one row written, whether the address is new, pending,
    subscribed or unsubscribed, so neither the answer nor its timing tells who is on the list."""
    newsletter_signup_dispatch.enqueue(
        name, email, organisation, language, notice.pk if notice else None
    )
