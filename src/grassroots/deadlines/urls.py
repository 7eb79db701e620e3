from django.urls import path

from . import views

app_name = "deadlines"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:pk>/delete/", views.calendar_delete, name="calendar_delete"),
]
