from django.urls import path

from . import views

urlpatterns = [
    # the vendor's pages: reached through the e-mailed link only (access.py)
    path("vendor/", views.vendor_link, name="vendor-link"),
    path("vendor/r/<uuid:public_id>/", views.vendor_request_page, name="vendor-request"),
    path("vendor/r/<uuid:public_id>/field/<str:field>/", views.vendor_field, name="vendor-field"),
    path("vendor/r/<uuid:public_id>/submit/", views.vendor_submit, name="vendor-submit"),
    # the catalog editors' pages
    path("vendor-requests/", views.request_list, name="vendor-requests"),
    path("vendor-requests/new/", views.request_new, name="vendor-request-new"),
    path("vendor-requests/<int:pk>/", views.request_review, name="vendor-request-review"),
    path("vendor-requests/<int:pk>/revoke/", views.request_revoke, name="vendor-request-revoke"),
    path("vendor-requests/<int:pk>/documents/<int:document>/", views.vendor_document, name="vendor-document"),
]
