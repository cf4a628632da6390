from django.urls import path

from social.views import checks, hub, requests

app_name = "social"
urlpatterns = [
    path("", hub.home, name="home"),
    path("check/", checks.selfcheck, name="check"),
    path("requests/", requests.request_list, name="requests"),
    path("requests/new/", requests.request_new, name="request_new"),
    path("requests/<int:pk>/", requests.request_detail, name="request"),
    path("requests/<int:pk>/decide/", requests.request_decide, name="request_decide"),
    path("requests/<int:pk>/resubmit/", requests.request_resubmit, name="request_resubmit"),
    path("requests/images/<int:pk>/", requests.request_image, name="request_image"),
    path("delegates/", requests.delegates, name="delegates"),
    path("delegates/<int:pk>/revoke/", requests.delegate_revoke, name="delegate_revoke"),
]
