from django.urls import path

from . import views

app_name = "conferences"
urlpatterns = [
    path("", views.conference_list, name="list"),
    path("new/", views.conference_new, name="new"),
    path("new/participants/", views.participants_preview, name="participants"),
    path("<int:pk>/", views.conference_detail, name="detail"),
    path("<int:pk>/paper.pdf", views.conference_paper, name="paper"),
    path("<int:pk>/conclusions/new/", views.conclusion_new, name="conclusion_new"),
    path("<int:pk>/recognitions/new/", views.recognition_new, name="recognition_new"),
    path("participations/<int:pk>/", views.attendance, name="attendance"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
]
