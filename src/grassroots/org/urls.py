from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("new/", views.unit_create, name="create"),
    path("<str:code>/", views.unit_detail, name="unit"),
    path("<str:code>/children/", views.children, name="children"),
    path("<str:code>/edit/", views.unit_edit, name="edit"),
    path("<str:code>/move/", views.unit_move, name="move"),
    path("<str:code>/rename/", views.unit_rename, name="rename"),
    path("<str:code>/merge/", views.unit_merge, name="merge"),
    path("<str:code>/split/", views.unit_split, name="split"),
    path("<str:code>/close/", views.unit_close, name="close"),
    path("<str:code>/history/", views.unit_history, name="history"),
]
