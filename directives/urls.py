from django.urls import path

from directives import views

app_name = "directives"
urlpatterns = [
    path("", views.directive_list, name="list"),
    path("import/", views.directive_import, name="import"),
    path("import/<uuid:pk>/", views.import_job, name="import_job"),
    path("import/<uuid:pk>/status.json", views.import_job_status, name="import_job_status"),
    path("import/<uuid:pk>/abandon/", views.import_job_abandon, name="import_job_abandon"),
    path("<int:pk>/", views.directive_detail, name="detail"),
    path("<int:pk>/edit/", views.directive_edit, name="edit"),
    path("<int:pk>/publish/", views.version_publish, name="publish"),
    path("<int:pk>/versions/new/", views.version_new, name="version_new"),
    path("<int:pk>/questions/new/", views.question_new, name="question_new"),
    path("<int:pk>/diff/", views.version_diff, name="diff"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("<int:pk>/attachments/<int:attachment_pk>/remove/", views.attachment_remove, name="attachment_remove"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
