from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from common import otp_views

from . import views
from .forms import PortalPasswordResetForm

app_name = "partner"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path(
        "logout/",
        auth_views.LogoutView.as_view(next_page=reverse_lazy("partner:login")),
        name="logout",
    ),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="cases/portal/password_reset.html",
            form_class=PortalPasswordResetForm,
            success_url=reverse_lazy("partner:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="cases/portal/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="cases/portal/password_reset_confirm.html",
            success_url=reverse_lazy("partner:login"),
        ),
        name="password_reset_confirm",
    ),
    # Second factor: partners opt in here; once set up, every login asks for a code.
    path("otp/", otp_views.portal_otp, name="otp"),
    path("assignments/<id:pk>/", views.assignment_detail, name="assignment"),
    path("assignments/<id:pk>/accept/", views.accept, name="accept"),
    path("assignments/<id:pk>/decline/", views.decline, name="decline"),
    path("assignments/<id:pk>/notes/", views.add_note, name="note"),
    path("assignments/<id:pk>/resolve/", views.resolve, name="resolve"),
    path("assignments/<id:pk>/attachments/", views.upload, name="upload"),
    path(
        "assignments/<id:pk>/attachments/<id:attachment_pk>/",
        views.download,
        name="download",
    ),
]
