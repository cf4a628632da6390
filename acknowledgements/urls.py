from django.urls import path

from acknowledgements import views

app_name = "acknowledgements"
urlpatterns = [
    path("", views.my_assignments, name="mine"),
    path("<int:pk>/", views.read, name="read"),
    path("<int:pk>/receipt/", views.receipt, name="receipt"),
    path("launch/<int:directive_pk>/", views.launch, name="launch"),
    path("unit/", views.unit_compliance, name="unit"),
    path("nudge/", views.nudge, name="nudge"),
    path("report/<int:directive_pk>/<int:unit_pk>/", views.implementation_report, name="report"),
    path("reports/<int:pk>/attachment/", views.report_attachment, name="report_attachment"),
]
