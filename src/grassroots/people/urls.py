from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("export.csv", views.person_export, name="export"),
    path("export.xlsx", views.person_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("new/", views.person_create, name="create"),
    path("<str:national_id>/", views.person_detail, name="detail"),
    path("<str:national_id>/edit/", views.person_edit, name="edit"),
    path("<str:national_id>/history/", views.person_history, name="history"),
    path("<str:national_id>/export/", views.subject_export, name="subject_export"),
]
