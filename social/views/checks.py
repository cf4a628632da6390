from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.debug import sensitive_post_parameters

from social import services
from social.forms.checks import SelfCheckForm
from social.views.common import no_store


@sensitive_post_parameters("text")  # should an error report ever be sent, the draft is not in it
@login_required
def selfcheck(request):
    """The private self-check: computed in this request, shown once, kept nowhere."""
    form = SelfCheckForm(request.POST if request.method == "POST" else None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.selfcheck_run(person=request.user, text=form.cleaned_data["text"], at=form.cleaned_data["at"])
    return no_store(render(request, "social/selfcheck.html", {"form": form, "result": result}))
