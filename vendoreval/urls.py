from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from vendoreval.accounts import views as account_views
from vendoreval.catalog import private_views
from vendoreval.catalog import views as catalog_views
from vendoreval.evaluations import views as evaluation_views

admin.site.site_header = "VendorEval catalog administration"
admin.site.site_title = "VendorEval admin"

urlpatterns = [
    path("", evaluation_views.home, name="home"),
    path("health/", account_views.health, name="health"),
    path("account/alerts/", account_views.alert_settings, name="alert-settings"),
    path("account/language/", account_views.language_switch, name="language-switch"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("vendoreval.accounts.urls")),
    path("catalog/", catalog_views.catalog_list, name="catalog"),
    path("catalog-work-queue/", evaluation_views.catalog_work_queue, name="catalog-work-queue"),
    path("catalog/<slug:key>/", catalog_views.offering_detail, name="offering"),
    path("o/<slug:org>/", include("vendoreval.evaluations.urls")),
    path("o/<slug:org>/", include("vendoreval.reports.urls")),
    path("o/<slug:org>/offerings/new/", private_views.private_offering_new, name="private-offering-new"),
    path("o/<slug:org>/offerings/<slug:key>/edit/", private_views.private_offering_edit, name="private-offering-edit"),
    path("o/<slug:org>/offerings/<slug:key>/answers/", private_views.private_offering_answers,
         name="private-offering-answers"),
    path("", include("vendoreval.vendors.urls")),
    path("admin/", admin.site.urls),
]
