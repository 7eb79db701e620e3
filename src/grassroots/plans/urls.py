from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("targets/", views.targets, name="targets"),
    path("targets/new/", views.target_new, name="target_new"),
    path("targets/<int:pk>/", views.target_edit, name="target_edit"),
    path("findings/", views.findings, name="findings"),
    path("findings/new/", views.finding_new, name="finding_new"),
    path("findings/<int:pk>/close/", views.finding_close, name="finding_close"),
]
