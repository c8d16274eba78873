"""Django settings for building one application's schema with its own migrations.

Run inside the corpus virtualenv (never pgwright's) by build_corpus.py, with
PGWRIGHT_RW_APP naming the application and PGWRIGHT_RW_DB_* the database. Nothing here is
served: the settings hold just what ``manage.py migrate`` needs to build each schema.
"""

import os

DJANGO_CONTRIB = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.redirects",
    "django.contrib.staticfiles",
]

APPS = {
    # Django's own contrib apps and the reusable apps most projects add to them.
    "reusable": DJANGO_CONTRIB + [
        "allauth",
        "allauth.account",
        "allauth.socialaccount",
        "allauth.mfa",
        "allauth.usersessions",
        "django_celery_beat",
        "django_celery_results",
        "guardian",
        "oauth2_provider",
        "reversion",
        "taggit",
        "axes",
        "waffle",
        "silk",
    ],
    "wagtail": DJANGO_CONTRIB + [
        "wagtail.contrib.forms",
        "wagtail.contrib.redirects",
        "wagtail.contrib.search_promotions",
        "wagtail.contrib.settings",
        "wagtail.contrib.simple_translation",
        "wagtail.embeds",
        "wagtail.sites",
        "wagtail.users",
        "wagtail.snippets",
        "wagtail.documents",
        "wagtail.images",
        "wagtail.search",
        "wagtail.admin",
        "wagtail",
        "modelcluster",
        "taggit",
    ],
    "oscar": DJANGO_CONTRIB + [
        "oscar.config.Shop",
        "oscar.apps.analytics.apps.AnalyticsConfig",
        "oscar.apps.checkout.apps.CheckoutConfig",
        "oscar.apps.address.apps.AddressConfig",
        "oscar.apps.shipping.apps.ShippingConfig",
        "oscar.apps.catalogue.apps.CatalogueConfig",
        "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
        "oscar.apps.communication.apps.CommunicationConfig",
        "oscar.apps.partner.apps.PartnerConfig",
        "oscar.apps.basket.apps.BasketConfig",
        "oscar.apps.payment.apps.PaymentConfig",
        "oscar.apps.offer.apps.OfferConfig",
        "oscar.apps.order.apps.OrderConfig",
        "oscar.apps.customer.apps.CustomerConfig",
        "oscar.apps.search.apps.SearchConfig",
        "oscar.apps.voucher.apps.VoucherConfig",
        "oscar.apps.wishlists.apps.WishlistsConfig",
        "oscar.apps.dashboard.apps.DashboardConfig",
        "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
        "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
        "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
        "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
        "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
        "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
        "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
        "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
        "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
        "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
        "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
        "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
        "widget_tweaks",
        "haystack",
        "treebeard",
        "django_tables2",
    ],
}

if os.environ.get("PGWRIGHT_RW_APP") == "oscar":
    from oscar.defaults import *  # noqa: F403  (Oscar's settings, as its docs tell)

INSTALLED_APPS = APPS[os.environ["PGWRIGHT_RW_APP"]]
SECRET_KEY = "only-for-building-a-schema"
USE_TZ = True
SITE_ID = 1
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
WAGTAIL_SITE_NAME = "corpus"
WAGTAILADMIN_BASE_URL = "http://localhost"
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
MIDDLEWARE = ["allauth.account.middleware.AccountMiddleware"] \
    if os.environ.get("PGWRIGHT_RW_APP") == "reusable" else []
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
              "OPTIONS": {"context_processors": []}}]
STATIC_URL = "/static/"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ["PGWRIGHT_RW_DB_NAME"],
        "HOST": os.environ.get("PGWRIGHT_RW_DB_HOST", ""),
        "PORT": os.environ.get("PGWRIGHT_RW_DB_PORT", ""),
        "USER": os.environ.get("PGWRIGHT_RW_DB_USER", ""),
        "PASSWORD": os.environ.get("PGWRIGHT_RW_DB_PASSWORD", ""),
    }
}
