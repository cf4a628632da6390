from django.urls import path

from social.views import accounts, checks, contacts, hub, incidents, requests

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
    path("accounts/", accounts.account_list, name="accounts"),
    path("accounts/new/", accounts.account_new, name="account_new"),
    path("accounts/oversight/", accounts.oversight, name="oversight"),
    path("accounts/<int:pk>/", accounts.account_detail, name="account"),
    path("accounts/<int:pk>/review/", accounts.account_review, name="account_review"),
    path("incidents/", incidents.incident_list, name="incidents"),
    path("incidents/new/", incidents.incident_new, name="incident_new"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident"),
    path("incidents/<int:pk>/step/", incidents.incident_step, name="incident_step"),
    path("incidents/<int:pk>/resolve/", incidents.incident_resolve, name="incident_resolve"),
    path("contacts/", contacts.contact_list, name="contacts"),
    path("contacts/<int:unit_pk>/", contacts.contact_edit, name="contact_edit"),
]
