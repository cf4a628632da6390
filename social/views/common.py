from django.core.exceptions import ValidationError
from django.utils.cache import add_never_cache_headers, patch_cache_control


def posted(request):
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def errors_to(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


def no_store(response):
    """Pages with drafts, accounts' recovery contacts or incidents: not kept by the browser."""
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response
