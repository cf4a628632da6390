from django.urls import path

from acknowledgements import meeting_views, views

app_name = "acknowledgements"
urlpatterns = [
    path("", views.my_assignments, name="mine"),
    path("<int:pk>/", views.read, name="read"),
    path("<int:pk>/receipt/", views.receipt, name="receipt"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.read_attachment, name="attachment"),
    path("launch/<int:directive_pk>/", views.launch, name="launch"),
    path("unit/", views.unit_compliance, name="unit"),
    path("nudge/", views.nudge, name="nudge"),
    path("report/<int:directive_pk>/<int:unit_pk>/", views.implementation_report, name="report"),
    path("reports/<int:pk>/attachment/", views.report_attachment, name="report_attachment"),
    path("meetings/", meeting_views.meeting_list, name="meetings"),
    path("meetings/new/", meeting_views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", meeting_views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/sheet/", meeting_views.meeting_sheet, name="meeting_sheet"),
    path("meetings/<int:pk>/record/", meeting_views.meeting_record, name="meeting_record"),
    path("meetings/<int:pk>/files/<str:kind>/", meeting_views.meeting_file, name="meeting_file"),
    path("meetings/<int:pk>/checkin/", meeting_views.meeting_checkin, name="meeting_checkin"),
    path("meetings/<int:pk>/checkin/toggle/", meeting_views.meeting_checkin_toggle, name="meeting_checkin_toggle"),
    path("behalf/<int:pk>/", meeting_views.on_behalf, name="on_behalf"),
    path("behalf/<int:pk>/paper/", meeting_views.behalf_paper, name="behalf_paper"),
]
