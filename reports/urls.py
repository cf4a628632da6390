from django.urls import path

from reports import implementation_views, views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<str:kind>.<str:fmt>", views.export, name="export"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/status.json", views.job_status, name="job_status"),
    path("jobs/<int:pk>/cancel", views.job_cancel, name="job_cancel"),
    path("jobs/<int:pk>/file", views.job_download, name="job_download"),
    path("implementation/", implementation_views.implementation_form, name="implementation"),
    path("implementation/report.docx", implementation_views.implementation_docx_download, name="implementation_docx"),
    path("implementation/report.pdf", implementation_views.implementation_pdf_download, name="implementation_pdf"),
]
