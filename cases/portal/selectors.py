"""What a partner or advisor may see: only assignments made to them or their company."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.models import Assignment, Attachment, Note


def assignments_for_user(user) -> QuerySet[Assignment]:
    """Assignments to the user as an advisor, or to the company the user belongs to."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(Q(advisor__user=user) | Q(company__members__user=user))
        .select_related("case", "case__organisation", "case__municipality", "advisor", "company")
        .distinct()
    )


def is_portal_user(user) -> bool:
    return user.is_authenticated and (
        hasattr(user, "advisor") or hasattr(user, "partner_membership")
    )


def assignment_groups(user) -> dict[str, list[Assignment]]:
    """My assignments grouped as the list shows them: new, in progress, overdue, finished."""
    today = timezone.localdate()
    groups = {"overdue": [], "new": [], "in_progress": [], "finished": []}
    for a in assignments_for_user(user).order_by("-created_at"):
        if a.state == Assignment.State.PROPOSED and a.respond_by and a.respond_by < today:
            groups["overdue"].append(a)
        elif a.state == Assignment.State.PROPOSED:
            groups["new"].append(a)
        elif a.state == Assignment.State.ACCEPTED:
            groups["in_progress"].append(a)
        else:
            groups["finished"].append(a)
    return groups


def notes_for_assignment(assignment: Assignment) -> QuerySet[Note]:
    """Notes the assignee may read: shared ones on the case, never internal staff notes."""
    return assignment.case.notes.filter(visibility=Note.Visibility.SHARED).select_related("author")


def attachments_for_assignment(assignment: Assignment) -> QuerySet[Attachment]:
    """Files on this assignment, and files staff attached to the case for the assignees."""
    return assignment.case.attachments.filter(
        Q(assignment=assignment) | Q(assignment__isnull=True)
    ).select_related("uploaded_by")
