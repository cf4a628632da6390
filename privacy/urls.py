from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/download/", views.my_data_download, name="my_data_download"),
    path("holds/", views.holds, name="holds"),
    path("holds/<int:pk>/release/", views.hold_release, name="hold_release"),
]
