from django.urls import path

from . import views

app_name = "transfers"
urlpatterns = [
    path("", views.transfer_list, name="list"),
    path("export.csv", views.transfer_export, name="export"),
    path("export.xlsx", views.transfer_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("new/", views.transfer_new, name="new"),
    path("incoming/", views.transfer_incoming, name="incoming"),
    path("<int:pk>/", views.transfer_detail, name="detail"),
    path("<int:pk>/receive/", views.transfer_receive, name="receive"),
    path("<int:pk>/cancel/", views.transfer_cancel, name="cancel"),
    path("<int:pk>/end/", views.transfer_end, name="end"),
    path("memberships/<int:pk>/leave/", views.membership_leave, name="leave"),
    path("memberships/<int:pk>/leave/undo/", views.membership_leave_undo, name="leave_undo"),
]
