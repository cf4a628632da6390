"""What the portal holds about a person, as they may see it: their profile and
grants, assignments, acknowledgements, the cases they reported and the cases about
them (only from the hearing on, as on the case page, and never what would identify a
protected reporter), their requests for permission to post and their reports of a
compromised account, and the audit rows of their own actions."""

from acknowledgements.models import Acknowledgement, Assignment
from core.models import AuditEvent
from organization.models import Person, RoleGrant
from privacy.models import LegalHold
from social.models import AccountIncident, PostRequest
from violations import selectors as cases
from violations import workflow
from violations.models import Report


def _day(value):
    return value.isoformat() if value else None


def _history(report: Report, role: str, person: Person) -> list[dict]:
    return [
        {
            "at": _day(e.created_at),
            "kind": e.get_kind_display(),
            "from": e.from_label,
            "to": e.to_label,
            "by": e.shown_actor.full_name if e.shown_actor else None,
            "text": e.text,
        }  # fmt: skip
        for e in cases.history_for(report, role, person)
    ]


def _case(report: Report, role: str, person: Person) -> dict:
    subject = report.subject.full_name if report.subject else report.subject_description
    data = {
        "id": report.pk, "state": report.get_state_display(), "category": report.get_category_display(),
        "platform": report.get_platform_display(), "url": report.url, "seen_at": _day(report.seen_at),
        "description": report.description, "unit": report.unit.name, "subject": subject,
        "rule_set": report.rule_set.basis if report.rule_set else None,
        "measure": report.measure.basis_label() if report.measure else None,
        "history": _history(report, role, person),
    }  # fmt: skip
    if role == workflow.SUBJECT:
        files = [e for e in report.evidence.select_related("event") if cases.subject_may_see_file(report, e.event)]
        data["evidence"] = [{"name": e.name, "sha256": e.sha256} for e in files]
        data["held"] = LegalHold.objects.filter(report=report, released_at__isnull=True).exists()
    return data


def my_data(person: Person) -> dict[str, object]:
    """Each section of the download, as JSON-ready values."""
    grants = RoleGrant.objects.filter(person=person).select_related("unit")
    profile = {
        "email": person.email, "full_name": person.full_name, "position": person.position,
        "staff_kind": person.get_staff_kind_display() if person.staff_kind else "",
        "unit": person.unit.name if person.unit_id else None, "active": person.is_active,
        "joined": _day(person.date_joined), "roles": [f"{g.get_role_display()} – {g.unit.name}" for g in grants],
    }  # fmt: skip
    assignments = [
        {
            "directive": a.version.directive.code or a.version.directive.subject,
            "version": a.version.number,
            "due_on": _day(a.due_on),
            "assigned_at": _day(a.assigned_at),
            "acknowledged_at": _day(a.acknowledged_at),
            "closed_at": _day(a.closed_at),
        }  # fmt: skip
        for a in Assignment.objects.filter(person=person).select_related("version__directive").order_by("id")
    ]
    acknowledgements = [
        {
            "directive": k.version.directive.code or k.version.directive.subject,
            "version": k.version.number,
            "acknowledged_at": _day(k.acknowledged_at),
            "method": k.get_method_display(),
            "ip_address": k.ip_address,
            "user_agent": k.user_agent,
            "text_sha256": k.text_sha256,
            "with_password": k.confirmed_with_password,
            "record_hash": k.record_hash,
        }  # fmt: skip
        for k in Acknowledgement.objects.filter(person=person).select_related("version__directive").order_by("pk")
    ]
    related = ("unit", "subject", "rule_set", "measure__rule_set")
    filed = Report.objects.filter(cases.reported_by_q(person)).select_related(*related).order_by("id")
    about = (
        Report.objects.filter(subject=person, state__in=workflow.SUBJECT_STATES).select_related(*related).order_by("id")
    )
    post_requests = [
        {
            "platform": r.get_platform_display(),
            "account": r.account,
            "text": r.text,
            "state": r.get_state_display(),
            "planned_at": _day(r.planned_at),
            "decided_at": _day(r.decided_at),
            "approved_text": r.approved_text,
            "decision_note": r.decision_note,
        }  # fmt: skip
        for r in PostRequest.objects.filter(author=person).order_by("id")
    ]
    incidents = [
        {
            "kind": i.get_kind_display(),
            "platform": i.get_platform_display(),
            "account": i.account_name,
            "what_happened": i.what_happened,
            "noticed_at": _day(i.noticed_at),
        }  # fmt: skip
        for i in AccountIncident.objects.filter(reporter=person).order_by("id")
    ]
    audit = [
        {"at": _day(row.at), "action": row.get_action_display(), "ip": row.ip}
        for row in AuditEvent.objects.filter(actor=person).order_by("id")
    ]
    return {
        "profile": profile,
        "assignments": assignments,
        "acknowledgements": acknowledgements,
        "reports_filed": [_case(r, workflow.REPORTER, person) for r in filed],
        "cases_about_me": [_case(r, workflow.SUBJECT, person) for r in about],
        "post_requests": post_requests,
        "account_incidents": incidents,
        "audit": audit,
    }
