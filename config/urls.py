from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter
from django.views.generic import RedirectView

from config.edge import IdConverter, TokenConverter

# <id:pk>: a primary key within the database's integer range; any other number is a 404.
register_converter(IdConverter, "id")
# <token:token>: URL-safe characters only (no NUL, no slash, no dot-dot); otherwise a 404.
register_converter(TokenConverter, "token")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="seminars:list", permanent=False)),
    path("admin/", admin.site.urls),
    # Sign-in (one page: emailed links, single sign-on, passwords), sign-out and password
    # change. No emailed password reset: only staff, organisers and presenters have
    # passwords, and no emailed link may open their accounts (docs/security.md); an
    # administrator resets a password (manage.py changepassword).
    path("accounts/", include("accounts.urls")),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("api/v1/", include("api.v1.urls")),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("media-library/", include("media_library.urls")),
    path("", include("organising.urls")),
    path("", include("meetings.urls")),
    # Seminar-scoped pages of every app live under /seminars/<slug>/.
    path("seminars/", include("registration.urls")),
    path("seminars/", include("media_library.seminar_urls")),
    path("seminars/", include("scheduling.seminar_urls")),
    path("seminars/", include("live.urls")),
    path("", include("live.stage_urls")),
    path("seminars/", include("polls.urls")),
    path("seminars/", include("seminars.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
