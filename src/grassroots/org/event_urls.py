"""The restructuring events: their list and each event's page (`/restructuring/`)."""

from django.urls import path

from . import views

app_name = "restructuring"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("<int:pk>/", views.event_detail, name="event"),
]
