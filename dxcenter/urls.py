from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from appointments import urls as appointment_urls
from cms.sitemaps import LocalizedSitemap
from common import otp_views
from common import views as common_views
from common.webhooks import webhook_urlpatterns
from crm.sitemaps import NewsletterSitemap
from reports.sitemaps import OpenDataSitemap
from reports.urls import public_urlpatterns as open_data_urls

# The site's own error pages (templates/404.html through Django's view, 500 through ours).
handler500 = "common.views.server_error"

urlpatterns = [
    path("admin/otp/", otp_views.admin_otp, name="admin_otp"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path(
        "sitemap.xml",
        sitemap,
        {
            "sitemaps": {
                "pages": LocalizedSitemap,
                "opendata": OpenDataSitemap,
                "newsletter": NewsletterSitemap,
            }
        },
        name="sitemap",
    ),
    path("healthz", common_views.healthz, name="healthz"),
    path("", include("reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
if settings.DXCENTER_MAIL_WEBHOOKS and settings.DXCENTER_MAIL_PROVIDER:
    # The configured provider's delivery and bounce webhooks: /anymail/<provider>/tracking/
    urlpatterns.append(
        path("anymail/", include(webhook_urlpatterns(settings.DXCENTER_MAIL_PROVIDER)))
    )

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Public pages and the partner portal (advisors and partner companies, their own login):
# Japanese unprefixed, English under /en/. Wagtail's catch-all comes last.
urlpatterns += i18n_patterns(
    path("partner/sessions/", include(appointment_urls.portal_urlpatterns)),
    path("partner/", include("cases.portal.urls")),
    path("", include(open_data_urls)),
    path("", include("cases.urls")),
    path("", include("crm.urls")),
    path("", include("events.urls")),
    path("", include("appointments.urls")),
    path("", include("cms.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
