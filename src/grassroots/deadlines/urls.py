from django.urls import path

from . import views

app_name = "deadlines"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("calendar/", views.calendar, name="calendar"),
    path("reminders/", views.notifications, name="notifications"),
    path("reminders/badge/", views.notification_badge, name="notification_badge"),
    path("reminders/seen/", views.notification_seen, name="notification_seen"),
    path("reminders/digest/", views.digest, name="digest"),
    path("calendar/<int:pk>/delete/", views.calendar_delete, name="calendar_delete"),
]
