import difflib
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.progress import Progress, progress_response
from directives import selectors, services
from directives.forms import (
    AttachmentForm,
    DirectiveForm,
    QuestionForm,
    UploadForm,
    VersionForm,
    obligations_to_text,
)
from directives.models import DocType, ImportState, Status
from organization import permissions
from organization.models import Role
from organization.selectors import units_visible_to


def _admin_units(user):
    if not permissions.has_role(user, Role.ADMINISTRATOR):
        raise PermissionDenied
    return units_visible_to(user, Role.ADMINISTRATOR)


def _form_errors(form, exc: ValidationError) -> None:
    for field, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@login_required
def directive_list(request):
    visible = selectors.directives_visible_to(request.user)
    filters = selectors.clean_filters(request.GET)
    directives = selectors.filter_list(visible, **filters).select_related("owner_unit")
    page = Paginator(directives, 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "issuers": visible.exclude(issuer="").order_by("issuer").values_list("issuer", flat=True).distinct(),
        "kinds": DocType.choices,
        "statuses": Status.choices,
        "may_import": permissions.has_role(request.user, Role.ADMINISTRATOR),
    }
    return render(request, "directives/list.html", context)


def _review(request, draft, result, units, job=None):
    initial = {**draft.fields, "text": draft.text, "obligations": obligations_to_text(draft.obligations)}
    if len(units) == 1:
        initial["owner_unit"] = units[0]
    elif owner := selectors.unit_named(units, draft.fields.get("issuer") or ""):
        initial["owner_unit"] = owner
    form = DirectiveForm(initial=initial, units=units)
    context = {"form": form, "result": result, "job": job, **_existing(request.user, draft.fields, draft.text)}
    return render(request, "directives/review.html", context)


def _existing(user, fields, text) -> dict:
    """The directive this import already is, if any: the review page links it and
    offers to make the text its new version instead of a second directive."""
    existing, visible = selectors.existing_directive(user, number=fields.get("number"), symbol=fields.get("symbol"))
    return {
        "existing": existing,
        "existing_visible": visible,
        "existing_manageable": visible and selectors.may_manage(user, existing),
        "imported_text": text,
    }


@login_required
def directive_import(request):
    """Upload → a background import job (import_job below) → the review form → save
    as a draft. Pasted text is capped in length and parsed here: every pattern of
    the importer is linear, and there is no archive or PDF to unpack."""
    units = _admin_units(request.user)
    if request.method == "POST" and "review" in request.POST:
        form, job = DirectiveForm(request.POST, units=units), _posted_job(request)
        if form.is_valid():
            try:
                directive = services.directive_create(
                    draft=form.draft(), owner_unit=form.cleaned_data["owner_unit"], by=request.user
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                if job:
                    services.import_job_close(job=job)
                messages.success(request, _("Đã lưu bản nháp. Kiểm tra lại rồi ban hành."))
                return redirect("directives:detail", pk=directive.pk)
        text = request.POST.get("text", "")
        # The importer's warnings and citations stay on the page sent back (pasted or
        # read, the text is what the importer read; it is linear in its length).
        result = None if "text" in form.errors else services.draft_from_text(text, by=request.user)[1]
        context = {"form": form, "result": result, "job": job, **_existing(request.user, request.POST, text)}
        return render(request, "directives/review.html", context)

    upload = UploadForm(
        request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None
    )
    if request.method == "POST" and upload.is_valid():
        if upload.cleaned_data.get("file"):
            job = services.import_job_create(upload=upload.cleaned_data["file"], by=request.user)
            return redirect("directives:import_job", pk=job.pk)
        draft, result = services.draft_from_text(upload.cleaned_data["text"], by=request.user)
        return _review(request, draft, result, units)
    return render(request, "directives/import.html", {"form": upload})


def _import_progress(job) -> Progress:
    """The job in the shape of the progress component: no count while the file is
    read (the bar moves without a value), full once read; the review form is its result."""
    if job.state == ImportState.DONE:
        message, url = _("Đã đọc xong tệp. Đang mở biểu mẫu kiểm tra…"), reverse("directives:import_job", args=[job.pk])
        return Progress(state="done", done=1, total=1, message=message, result_url=url)
    if job.state == ImportState.FAILED:
        return Progress(state="failed", message=job.error)
    running = job.state == ImportState.RUNNING
    return Progress(state=job.state, message=_("Đang đọc tệp…") if running else _("Tệp đang chờ được đọc…"))


@login_required
def import_job(request, pk):
    """Where an upload is being read: the progress component until the job is done
    (then this page is the review form) or failed (then the reason)."""
    job = selectors.get_import_job_for(request.user, pk)
    if job.state == ImportState.DONE:
        text, result = selectors.import_result_for(job, request.user)
        return _review(request, services.draft_from_result(text, result), result, _admin_units(request.user), job=job)
    response = render(request, "directives/import_job.html", {"job": job, "progress": _import_progress(job)})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def import_job_status(request, pk):
    return progress_response(_import_progress(selectors.get_import_job_for(request.user, pk)))


@login_required
@require_POST
def import_job_abandon(request, pk):
    """The administrator gives up this upload's review: its stored file is deleted.
    Only a file read can be given up (a worker may be reading the others)."""
    job = selectors.get_import_job_for(request.user, pk)
    if job.state != ImportState.DONE:
        raise Http404
    services.import_job_close(job=job)
    messages.success(request, _("Đã bỏ lượt nhập tệp “%(name)s”.") % {"name": job.filename})
    return redirect("directives:import")


def _posted_job(request):
    """The import job the review form came from, if it still is the user's."""
    try:
        return selectors.get_import_job_for(request.user, uuid.UUID(request.POST.get("job", "")))
    except (ValueError, Http404):
        return None


@login_required
def directive_detail(request, pk):
    directive = selectors.get_directive_for(request.user, pk)
    versions = list(directive.versions.prefetch_related("obligations", "references__resolved_directive", "questions"))
    may_manage = selectors.may_manage(request.user, directive)
    if not may_manage:
        versions = [version for version in versions if version.is_published]
    if not versions:
        raise Http404
    shown = next((v for v in versions if str(v.number) == request.GET.get("v")), versions[-1])
    context = {
        "directive": directive,
        "version": shown,
        "versions": versions,
        "may_manage": may_manage,
        "cited_by": selectors.directives_visible_to(request.user).filter(
            pk__in=selectors.citing(directive).values("pk")
        ),
        "has_draft": any(not v.is_published for v in versions),
        "attachments": with_download_urls(shown.attachments.all()),
    }
    return render(request, "directives/detail.html", context)


def with_download_urls(attachments, url=None) -> list:
    """The attachments, each with the address of its download: the directive's own
    view, or the one `url(attachment)` gives (the reading page's, by assignment)."""
    rows = list(attachments)
    for attachment in rows:
        attachment.download_url = url(attachment) if url else reverse("directives:attachment", args=[attachment.pk])
    return rows


def attachment_response(attachment) -> FileResponse:
    """The stored file as a download that no browser runs or keeps."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    return response


@login_required
def attachment_download(request, pk):
    return attachment_response(selectors.get_attachment_for(request.user, pk))


def _draft_version(directive):
    return get_object_or_404(directive.versions, published_at__isnull=True)


@login_required
@require_POST
def attachment_add(request, pk):
    """A refused file comes back on the edit page, the message on the file field and
    the title as typed (a flash message above a long form was easy to miss)."""
    directive = selectors.get_directive_for(request.user, pk, manage=True)
    version = _draft_version(directive)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                version=version, upload=form.cleaned_data["file"], title=form.cleaned_data["title"], by=request.user
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            messages.success(request, _("Đã thêm tài liệu gửi kèm."))
            return redirect(f"{reverse('directives:edit', args=[pk])}#attachments")
    return _edit_page(request, directive, version, attachment_form=form)


@login_required
@require_POST
def attachment_remove(request, pk, attachment_pk):
    directive = selectors.get_directive_for(request.user, pk, manage=True)
    attachment = get_object_or_404(_draft_version(directive).attachments, pk=attachment_pk)
    services.attachment_remove(attachment=attachment, by=request.user)
    messages.success(request, _("Đã bỏ tài liệu gửi kèm “%(title)s”.") % {"title": attachment.title})
    return redirect(f"{reverse('directives:edit', args=[pk])}#attachments")


@login_required
def directive_edit(request, pk):
    directive = selectors.get_directive_for(request.user, pk, manage=True)
    version = directive.versions.filter(published_at__isnull=True).first()
    if version is None:
        messages.error(request, _("Văn bản đã ban hành không được sửa; hãy tạo phiên bản mới."))
        return redirect("directives:detail", pk=pk)
    form = None
    if request.method == "POST":
        form = DirectiveForm(request.POST, instance=directive, units=_admin_units(request.user))
        if form.is_valid():
            try:
                services.directive_update(directive=directive, draft=form.draft(), by=request.user)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Đã lưu thay đổi."))
                return redirect("directives:detail", pk=pk)
    return _edit_page(request, directive, version, form=form)


def _edit_page(request, directive, version, *, form=None, attachment_form=None):
    """The edit page of a draft: its fields and its attachments, either form sent
    back with its errors while the other starts from what is saved."""
    if form is None:
        initial = {
            "text": version.text,
            "obligations": obligations_to_text(version.obligations.values("label", "text")),
        }
        form = DirectiveForm(instance=directive, initial=initial, units=_admin_units(request.user))
    context = {
        "form": form,
        "result": None,
        "directive": directive,
        "attachments": with_download_urls(version.attachments.all()),
        "attachment_form": attachment_form or AttachmentForm(),
    }
    return render(request, "directives/review.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def version_publish(request, pk):
    """GET asks first (publishing cannot be undone) and says what will be published;
    the POST publishes."""
    directive = selectors.get_directive_for(request.user, pk, manage=True)
    version = directive.versions.filter(published_at__isnull=True).first()
    if request.method == "GET" and version is not None:
        previous = directive.versions.filter(published_at__isnull=False).order_by("-number").first()
        context = {"directive": directive, "version": version, "previous": previous}
        return render(request, "directives/publish_confirm.html", context)
    try:
        published = version is not None and services.version_publish(version=version, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("directives:detail", pk=pk)
    if not published:
        messages.info(request, _("Không có phiên bản nháp nào để ban hành."))
    else:
        messages.success(request, _("Đã ban hành phiên bản %(number)d.") % {"number": version.number})
    return redirect("directives:detail", pk=pk)


@login_required
def version_new(request, pk):
    directive = selectors.get_directive_for(request.user, pk, manage=True)
    current = directive.versions.order_by("-number").first()
    # "prefill": from the review of an import that is this directive, its text to check.
    prefill = request.method == "POST" and "prefill" in request.POST
    post = request.method == "POST" and not prefill
    form = VersionForm(
        request.POST if post else None,
        request.FILES if post else None,
        # The kind of change is the administrator's to say: nothing preselected.
        initial={"text": request.POST.get("text", "") if prefill else current.text},
        attachments=list(current.attachments.all()),
    )
    job = _posted_job(request) if request.method == "POST" else None  # the import it comes from
    if post and form.is_valid():
        try:
            version = services.version_create(directive=directive, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if job:
                services.import_job_close(job=job)
            messages.success(request, _("Đã tạo phiên bản nháp %(number)d.") % {"number": version.number})
            return redirect("directives:detail", pk=pk)
    return render(request, "directives/version_form.html", {"form": form, "directive": directive, "job": job})


@login_required
def question_new(request, pk):
    directive = selectors.get_directive_for(request.user, pk, manage=True)
    version = get_object_or_404(directive.versions, published_at__isnull=True)
    form = QuestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.question_add(
                version=version, prompt=data["prompt"], choices=data["choices"], answer=data["answer"] - 1
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm câu hỏi."))
            return redirect("directives:detail", pk=pk)
    return render(request, "directives/question_form.html", {"form": form, "directive": directive, "version": version})


@login_required
def version_diff(request, pk):
    directive = selectors.get_directive_for(request.user, pk)
    versions = {
        v.number: v for v in directive.versions.all() if v.is_published or selectors.may_manage(request.user, directive)
    }
    try:
        old, new = versions[int(request.GET["from"])], versions[int(request.GET["to"])]
    except (KeyError, ValueError):
        raise Http404 from None
    lines = list(difflib.ndiff(old.text.splitlines(), new.text.splitlines()))
    changes = [(line[0], line[2:]) for line in lines if line[:1] in "+- "]
    return render(request, "directives/diff.html", {"directive": directive, "old": old, "new": new, "changes": changes})
