from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("targets/", views.targets, name="targets"),
    path("targets/export.csv", views.targets_export, name="targets_export"),
    path("targets/export.xlsx", views.targets_export, {"fmt": "xlsx"}, name="targets_export_xlsx"),
    path("targets/new/", views.target_new, name="target_new"),
    path("targets/<int:pk>/", views.target_edit, name="target_edit"),
    path("targets/<int:pk>/allocate/", views.target_allocate, name="target_allocate"),
    path("at-risk/", views.at_risk, name="at_risk"),
    path("findings/", views.findings, name="findings"),
    path("findings/export.csv", views.findings_export, name="findings_export"),
    path(
        "findings/export.xlsx", views.findings_export, {"fmt": "xlsx"}, name="findings_export_xlsx"
    ),
    path("findings/new/", views.finding_new, name="finding_new"),
    path("findings/<int:pk>/close/", views.finding_close, name="finding_close"),
]
