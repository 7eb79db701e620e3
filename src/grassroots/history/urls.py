from django.urls import path

from . import views

app_name = "history"
urlpatterns = [
    path("", views.change_list, name="list"),
    path("accesses/", views.access_list, name="accesses"),
]
