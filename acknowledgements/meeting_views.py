"""Pages of sessions (buổi quán triệt), check-in and acknowledgements on behalf. Thin:
every record comes through a selector that checks scope (404 outside), every change
through acknowledgements/meetings.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from acknowledgements import meetings, selectors
from acknowledgements.forms import CheckinOpenForm, MeetingForm, MeetingRecordForm, OnBehalfForm
from acknowledgements.models import Acknowledgement
from acknowledgements.sheet import checkin_url, sheet_pdf
from acknowledgements.views import _id, _no_store
from core.http import client_ip


def _meta(request) -> dict:
    return {"REMOTE_ADDR": client_ip(request) or "", "HTTP_USER_AGENT": request.META.get("HTTP_USER_AGENT", "")}


def _errors(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


def _download(field_file, name: str, content_type: str):
    response = FileResponse(field_file.open("rb"), as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return _no_store(response)


@login_required
def meeting_list(request):
    visible = selectors.meetings_visible_to(request.user)
    may_plan = selectors.meeting_units_for(request.user).exists()
    if not may_plan and not visible.exists():
        raise PermissionDenied
    context = {"meetings": visible.order_by("-held_at", "-pk")[:200], "may_plan": may_plan}
    return render(request, "acknowledgements/meetings.html", context)


@login_required
def meeting_new(request):
    units = selectors.meeting_units_for(request.user)
    if not units.exists():
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    chosen = units.filter(pk__in=[pk for pk in map(_id, source.getlist("units")) if pk])
    query = (request.GET.get("q") or "").strip()[:100]
    roster = selectors.roster(list(chosen)) if chosen else selectors.roster([]).none()
    shown = selectors.roster(list(chosen), query=query) if chosen else roster
    form = MeetingForm(
        request.POST if request.method == "POST" else None,
        campaigns=selectors.meeting_campaigns_for(request.user),
        units=units,
        roster=roster,
        initial={"units": list(chosen)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = meetings.meeting_plan(
                by=request.user,
                campaigns=data["campaigns"],
                units=data["units"],
                held_at=data["held_at"],
                place=data["place"],
                chair=data["chair"],
                people=data["people"],
                select_all=data["select_all"],
                guests=form.guest_list(),
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Đã lên lịch buổi quán triệt. Hãy in danh sách ký tên."))
            return redirect("acknowledgements:meeting", pk=meeting.pk)
    context = {
        "form": form,
        "units": units,
        "chosen": list(chosen),
        "query": query,
        "shown": list(shown[:500]),
        "ticked": set(map(str, source.getlist("people"))),
    }
    return render(request, "acknowledgements/meeting_new.html", context)


@login_required
def meeting_detail(request, pk):
    meeting = selectors.get_meeting_for(request.user, pk)
    attendees = selectors.meeting_attendees(meeting)
    context = {
        "meeting": meeting,
        "attendees": attendees,
        "may_manage": meetings.may_manage_meeting(request.user, meeting),
        "checkin_open": meetings.checkin_is_open(meeting),
        "checkin_url": checkin_url(meeting),
        "checkin_form": CheckinOpenForm(),
        "records": meeting.acknowledgements.select_related("person", "version__directive", "link").order_by("pk"),
    }
    return render(request, "acknowledgements/meeting.html", context)


@login_required
def meeting_sheet(request, pk):
    meeting = selectors.get_meeting_for(request.user, pk)
    response = HttpResponse(sheet_pdf(meeting, selectors.meeting_attendees(meeting)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="danh-sach-ky-ten-{meeting.pk}.pdf"'
    return _no_store(response)


@login_required
def meeting_record(request, pk):
    meeting = selectors.get_meeting_for(request.user, pk, write=True)
    if meeting.is_recorded:
        messages.info(request, _("Buổi quán triệt này đã được ghi nhận."))
        return redirect("acknowledgements:meeting", pk=meeting.pk)
    attendees = selectors.meeting_attendees(meeting)
    post = request.method == "POST"
    form = MeetingRecordForm(request.POST if post else None, request.FILES if post else None, attendees=attendees)
    if post and form.is_valid():
        try:
            records = meetings.meeting_record(
                meeting=meeting,
                by=request.user,
                present=form.present_ids(),
                sheet=form.cleaned_data["sheet"],
                minutes=form.cleaned_data.get("minutes"),
                request_meta=_meta(request),
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận %(count)d lượt xác nhận tại hội nghị.") % {"count": len(records)})
            return redirect("acknowledgements:meeting", pk=meeting.pk)
    return render(request, "acknowledgements/meeting_record.html", {"meeting": meeting, "form": form})


@login_required
def meeting_file(request, pk, kind):
    meeting = selectors.get_meeting_for(request.user, pk)
    if kind == "sheet" and meeting.sheet:
        return _download(meeting.sheet, meeting.sheet_name or f"danh-sach-ky-ten-{pk}", meeting.sheet_type)
    if kind == "minutes" and meeting.minutes:
        return _download(meeting.minutes, meeting.minutes_name or f"bien-ban-{pk}", meeting.minutes_type)
    raise Http404


@login_required
@require_POST
def meeting_checkin_toggle(request, pk):
    meeting = selectors.get_meeting_for(request.user, pk, write=True)
    try:
        if request.POST.get("action") == "close":
            meetings.meeting_checkin_close(meeting=meeting, by=request.user)
            messages.success(request, _("Đã đóng điểm danh."))
        else:
            form = CheckinOpenForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Thời gian điểm danh phải từ 1 phút đến 24 giờ."))
            meetings.meeting_checkin_open(meeting=meeting, by=request.user, minutes=form.cleaned_data["minutes"])
            messages.success(request, _("Đã mở điểm danh bằng mã QR."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("acknowledgements:meeting", pk=meeting.pk)


@login_required
def meeting_checkin(request, pk):
    """The page the QR code opens: the person checks in themselves."""
    meeting = selectors.get_meeting_for_checkin(request.user, pk)
    attendee = meeting.attendees.filter(person=request.user).first()
    if request.method == "POST":
        try:
            attendee = meetings.meeting_checkin(meeting=meeting, person=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã điểm danh."))
            return redirect("acknowledgements:meeting_checkin", pk=meeting.pk)
    context = {"meeting": meeting, "attendee": attendee, "open": meetings.checkin_is_open(meeting)}
    return render(request, "acknowledgements/meeting_checkin.html", context)


@login_required
def on_behalf(request, pk):
    """A unit head records the acknowledgement of someone of their subtree from paper."""
    assignment = selectors.get_assignment_for_head(request.user, pk)
    post = request.method == "POST"
    form = OnBehalfForm(request.POST if post else None, request.FILES if post else None)
    if post and form.is_valid():
        try:
            meetings.acknowledgement_on_behalf(
                assignment=assignment,
                by=request.user,
                reason=form.cleaned_data["reason"],
                paper=form.cleaned_data["paper"],
                request_meta=_meta(request),
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận xác nhận thay cho %(name)s.") % {"name": assignment.person})
            return redirect(f"{reverse('acknowledgements:unit')}?unit={assignment.person.unit_id}")
    context = {
        "assignment": assignment,
        "form": form,
        "acknowledgement": Acknowledgement.objects.filter(assignment=assignment).first(),
    }
    return render(request, "acknowledgements/on_behalf.html", context)


@login_required
def behalf_paper(request, pk):
    ack = selectors.get_behalf_paper_for(request.user, pk)
    return _download(ack.paper, ack.paper_name or f"giay-xac-nhan-{pk}", ack.paper_type)
