from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("template.xlsx", views.template, name="template"),
    path("preview/", views.preview, name="preview"),
    path("apply/", views.apply, name="apply"),
    path("export/", views.export, name="export"),
]
