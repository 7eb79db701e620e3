from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("achievement/", views.achievement, name="achievement"),
    path("achievement.xlsx", views.achievement_xlsx, name="achievement_xlsx"),
    path("achievement.pdf", views.achievement_pdf, name="achievement_pdf"),
    path("achievement/background/", views.background, name="background"),
    path("composition/", views.composition, name="composition"),
    path("newly-admitted/", views.newly_admitted, name="newly_admitted"),
    path("newly-admitted.xlsx", views.newly_admitted_xlsx, name="newly_admitted_xlsx"),
    path("newly-admitted.pdf", views.newly_admitted_pdf, name="newly_admitted_pdf"),
    path("funnel/", views.funnel, name="funnel"),
    path("dashboard/<str:code>/", views.dashboard, name="dashboard"),
    path("dashboard/<str:code>/pdf/", views.dashboard_pdf, name="dashboard_pdf"),
]
