from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/tokens/", views.token_create, name="token_create"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("me/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("me/password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("me/second-factor/", views.two_factor, name="two_factor"),
    path("login-failures/", views.login_failures, name="login_failures"),
    path("users/", views.users, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<str:username>/", views.user_detail, name="user_detail"),
    path("users/<str:username>/roles/", views.role_grant, name="role_grant"),
    path("users/<str:username>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<str:username>/password/", views.user_password_reset, name="user_password_reset"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
    path("roles/<int:pk>/followed-up/", views.assignment_follow_up, name="assignment_follow_up"),
]
