"""Staff views of seminars in the Wagtail admin: rosters, check-in, walk-ins, exports."""

from django.contrib import messages
from django.db.models import Avg, Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.access_log import personal_data_access_log
from common.admin_pages import admin_render, require_perm
from common.models import PurposeNotice
from common.spreadsheets import csv_bytes, xlsx_bytes

from .exceptions import RegistrationError
from .forms import WalkInForm
from .models import Registration, Seminar, SeminarProgramme, SeminarSurvey
from .selectors import roster, seminar_counts
from .services import (
    CHECKIN_SALT,
    registration_cancel,
    registration_check_in,
    registration_create,
    registration_from_token,
    registration_move,
)


def seminar_list(request):
    require_perm(request, "events.view_registration")
    # Each seminar once, whatever the languages of its pages; each date of a programme.
    seminars = (
        Seminar.objects.select_related("programme")
        .order_by("-starts_at")
        .annotate(
            confirmed=Count("registrations", filter=Q(registrations__status="confirmed")),
            waitlisted=Count("registrations", filter=Q(registrations__status="waitlisted")),
            checked_in=Count("registrations", filter=Q(registrations__checked_in_at__isnull=False)),
        )
    )
    # A programme's totals over its dates (each date has its own roster above).
    programmes = SeminarProgramme.objects.annotate(
        dates=Count("seminars", distinct=True),
        confirmed=Count(
            "seminars__registrations", filter=Q(seminars__registrations__status="confirmed")
        ),
        waitlisted=Count(
            "seminars__registrations", filter=Q(seminars__registrations__status="waitlisted")
        ),
        checked_in=Count(
            "seminars__registrations",
            filter=Q(seminars__registrations__checked_in_at__isnull=False),
        ),
    ).order_by("name")
    return admin_render(
        request,
        "events/admin/seminar_list.html",
        {
            "seminars": seminars,
            "programmes": programmes,
            "page_title": _("セミナー受付"),
            "header_icon": "date",
        },
    )


def seminar_roster(request, pk):
    require_perm(request, "events.view_registration")
    seminar = get_object_or_404(Seminar, pk=pk)
    query = request.GET.get("q", "").strip()
    people = roster(seminar, query)
    export = request.GET.get("export")
    personal_data_access_log(user=request.user, subject=seminar, context="seminar_roster")
    if export in ("csv", "xlsx"):
        return _export(seminar, people, export)
    surveys = SeminarSurvey.objects.filter(registration__seminar=seminar)
    survey_summary = surveys.aggregate(
        n=Count("pk"), avg=Avg("satisfaction"), useful=Count("pk", filter=Q(useful_for_dx=True))
    )
    return admin_render(
        request,
        "events/admin/roster.html",
        {
            "seminar": seminar,
            "people": people,
            "query": query,
            "counts": seminar_counts(seminar),
            "attendance": seminar.attendance(),
            "walk_in_form": WalkInForm(),
            "walk_in_notice": PurposeNotice.current(PurposeNotice.Scope.SEMINAR),
            "survey_summary": survey_summary,
            "comments": surveys.exclude(comment="").values_list("comment", flat=True)[:50],
            "page_title": _("受付名簿: {title}").format(title=seminar.title),
            "header_icon": "date",
        },
    )


ROSTER_COLUMNS = [
    "氏名",
    "フリガナ",
    "メールアドレス",
    "所属",
    "区分",
    "所在市町",
    "参加方法",
    "状態",
    "受付",
    "当日受付",
]


def _export(seminar, people, kind):
    rows = [
        [
            r.name,
            r.name_kana,
            r.email,
            r.organisation,
            r.get_requester_type_display() if r.requester_type else "",
            str(r.municipality) if r.municipality else "",
            r.get_mode_display(),
            r.get_status_display(),
            timezone.localtime(r.checked_in_at).strftime("%Y-%m-%d %H:%M")
            if r.checked_in_at
            else "",
            "○" if r.is_walk_in else "",
        ]
        for r in people
    ]
    name = f"roster-{seminar.starts_at:%Y%m%d}"
    if kind == "csv":
        response = HttpResponse(
            csv_bytes(rows, header=ROSTER_COLUMNS), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(
        xlsx_bytes({"名簿": (ROSTER_COLUMNS, rows)}),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def _roster_url(seminar_pk, query=""):
    url = reverse("seminar_roster", args=[seminar_pk])
    return f"{url}?q={query}" if query else url


@require_POST
def registration_action(request, pk, action):
    require_perm(request, "events.change_registration")
    registration = get_object_or_404(Registration.objects.select_related("seminar"), pk=pk)
    try:
        if action == "checkin":
            registration_check_in(registration=registration, by=request.user)
            messages.success(request, _("{name} 様を受付しました。").format(name=registration.name))
        elif action == "cancel":
            promoted = registration_cancel(registration=registration, by=request.user)
            messages.success(request, _("キャンセルしました。"))
            for person in promoted:
                messages.info(
                    request, _("{name} 様が繰り上げになりました。").format(name=person.name)
                )
        elif action == "move":
            registration_move(
                registration=registration, mode=request.POST.get("mode", ""), by=request.user
            )
            messages.success(request, _("参加方法を変更しました。"))
        else:
            raise Http404
    except RegistrationError as exc:
        messages.error(request, str(exc))
    return redirect(_roster_url(registration.seminar_id, request.POST.get("q", "")))


@require_POST
def walk_in(request, pk):
    require_perm(request, "events.add_registration")
    seminar = get_object_or_404(Seminar, pk=pk)
    form = WalkInForm(request.POST)
    if form.is_valid():
        try:
            # Like any registrant, a walk-in is shown the notice in force and consents to it.
            registration_create(
                seminar=seminar,
                mode=Registration.Mode.VENUE
                if "venue" in seminar.modes()
                else Registration.Mode.ONLINE,
                walk_in=True,
                by=request.user,
                notice=PurposeNotice.current(PurposeNotice.Scope.SEMINAR),
                requester=form.requester(),
            )
        except RegistrationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("当日受付として登録しました。"))
    else:
        messages.error(
            request,
            _("氏名とメールアドレスを入力し、ご本人の同意を確認してください。"),
        )
    return redirect(_roster_url(seminar.pk))


def checkin_from_qr(request, token):
    """The QR code in the confirmation mail opens this page for staff."""
    require_perm(request, "events.change_registration")
    try:
        registration = registration_from_token(token, CHECKIN_SALT)
    except Registration.DoesNotExist:
        raise Http404 from None
    if request.method == "POST":
        try:
            registration_check_in(registration=registration, by=request.user)
        except RegistrationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("{name} 様を受付しました。").format(name=registration.name))
        return redirect(_roster_url(registration.seminar_id))
    personal_data_access_log(user=request.user, subject=registration, context="seminar_checkin")
    return admin_render(
        request,
        "events/admin/checkin.html",
        {"registration": registration, "page_title": _("QRコードで受付"), "header_icon": "date"},
    )
