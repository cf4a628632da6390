from django.urls import path

from violations import views

app_name = "violations"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/transition/", views.case_transition, name="transition"),
    path("<int:pk>/step/<str:step>/", views.case_step, name="step"),
    path("<int:pk>/identity/", views.case_identity, name="identity"),
    path("denunciations/new/", views.denunciation_new, name="denunciation_new"),
    path("inspection/", views.inspection_queue, name="inspection_queue"),
    path("monitoring/new/", views.monitoring_new, name="monitoring_new"),
    path("<int:pk>/<str:kind>/", views.case_post, name="post"),
    path("files/<int:pk>/", views.evidence_file, name="file"),
    path("anonymous/", views.anonymous_new, name="anonymous"),
    path("anonymous/follow-up/", views.anonymous_follow_up, name="anonymous_follow_up"),
]
