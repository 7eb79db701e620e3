from django.urls import path

from . import views

app_name = "pipeline"
urlpatterns = [
    path("sources/", views.source_list, name="sources"),
    path("sources/export.csv", views.list_export, {"table": "sources"}, name="sources_export"),
    path(
        "sources/export.xlsx",
        views.list_export,
        {"table": "sources", "fmt": "xlsx"},
        name="sources_export_xlsx",
    ),
    path("sources/new/", views.source_new, name="source_new"),
    path("sources/<int:pk>/", views.source_edit, name="source_edit"),
    path("courses/", views.course_list, name="courses"),
    path("courses/export.csv", views.list_export, {"table": "courses"}, name="courses_export"),
    path(
        "courses/export.xlsx",
        views.list_export,
        {"table": "courses", "fmt": "xlsx"},
        name="courses_export_xlsx",
    ),
    path("courses/new/", views.course_new, name="course_new"),
    path("courses/<str:code>/", views.course_detail, name="course"),
    path("courses/<str:code>/registration/", views.registration, name="registration"),
    path("courses/<str:code>/results/", views.course_results, name="course_results"),
    path("dossiers/", views.dossier_list, name="dossiers"),
    path("dossiers/export.csv", views.list_export, {"table": "dossiers"}, name="dossiers_export"),
    path(
        "dossiers/export.xlsx",
        views.list_export,
        {"table": "dossiers", "fmt": "xlsx"},
        name="dossiers_export_xlsx",
    ),
    path("dossiers/new/", views.dossier_new, name="dossier_new"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier"),
    path("dossiers/<int:pk>/step/", views.dossier_step, name="dossier_step"),
    path("dossiers/<int:pk>/failed-votes/", views.failed_vote_new, name="failed_vote_new"),
    path("failed-votes/<int:pk>/annul/", views.failed_vote_annul, name="failed_vote_annul"),
    path("dossiers/<int:pk>/close/", views.dossier_close, name="dossier_close"),
    path("dossiers/<int:pk>/record/", views.member_record, name="member_record"),
    path("dossiers/<int:pk>/forms/", views.dossier_forms, name="dossier_forms"),
    path("dossiers/<int:pk>/forms/<str:code>/", views.dossier_form, name="dossier_form"),
    path("steps/<int:pk>/correct/", views.step_correct, name="step_correct"),
    path("steps/<int:pk>/annul/", views.step_annul, name="step_annul"),
    path("scans/<int:pk>/", views.attachment, name="attachment"),
    path("members/", views.member_list, name="members"),
    path("members/export.csv", views.list_export, {"table": "members"}, name="members_export"),
    path(
        "members/export.xlsx",
        views.list_export,
        {"table": "members", "fmt": "xlsx"},
        name="members_export_xlsx",
    ),
    path("admissions/<int:pk>/confirm/", views.confirm, name="confirm"),
]
