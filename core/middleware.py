from django.conf import settings
from django.http import HttpResponse
from django.utils.html import escape
from django.utils.translation import gettext as _


class RequestSizeLimitMiddleware:
    """Refuses a request whose declared body exceeds REQUEST_MAX_MB before anything
    reads it, so a 300 MB upload costs the server nothing. Django itself caps only
    the non-file part of a body; the proxy in front should have the same limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.REQUEST_MAX_MB * 1024 * 1024
        if length > limit:
            message = _(
                "Dữ liệu gửi lên quá lớn: tối đa %(mb)d MB mỗi lần gửi. Hãy gửi ít tệp hơn hoặc tệp nhỏ hơn."
            ) % {"mb": settings.REQUEST_MAX_MB}
            body = f'<!doctype html><html lang="vi"><meta charset="utf-8"><title>413</title><p>{escape(message)}</p></html>'
            return HttpResponse(body, status=413, content_type="text/html; charset=utf-8")
        return self.get_response(request)


class PdfToolsMissingMiddleware:
    """A page asking for a PDF on a server without WeasyPrint's libraries (`make run`
    on a machine where `make pdf-tools` could not install them) says so in Vietnamese
    with 503, instead of a server error; everything else keeps working."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from core.pdfdoc import PdfToolsMissing

        if not isinstance(exception, PdfToolsMissing):
            return None
        message = _(
            "Máy chủ này chưa cài thư viện Pango nên chưa tạo được tệp PDF. "
            "Quản trị hệ thống cần chạy lệnh: make pdf-tools. Các chức năng khác vẫn dùng được."
        )
        body = f'<!doctype html><html lang="vi"><meta charset="utf-8"><title>503</title><p>{escape(message)}</p></html>'
        return HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
