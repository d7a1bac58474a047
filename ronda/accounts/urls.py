from django.contrib.auth import views as auth_views
from django.urls import path

from ronda.accounts import views

app_name = "accounts"

urlpatterns = [
    path("entrar/", views.LoginView.as_view(), name="login"),
    path("salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("contrasena/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "contrasena/recuperar/",
        views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "contrasena/recuperar/enviado/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "contrasena/recuperar/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "contrasena/recuperar/listo/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("verificacion/", views.otp_view, name="otp"),
    path("rol/", views.switch_membership, name="switch_membership"),
    path("tokens/", views.token_list, name="token_list"),
    path("acceso-excepcional/", views.break_glass, name="break_glass"),
    path("usuarios/", views.user_list, name="user_list"),
    path("usuarios/nuevo/", views.user_create, name="user_create"),
    path("usuarios/<int:pk>/", views.user_detail, name="user_detail"),
]
