from django.urls import path

from . import member_views

urlpatterns = [
    path("o/<slug:org>/members/", member_views.members, name="members"),
    path("o/<slug:org>/members/<int:membership_id>/remove/", member_views.member_remove, name="member-remove"),
    path("o/<slug:org>/members/invitations/revoke/", member_views.invitation_revoke, name="invitation-revoke"),
    # the token comes in the query string (?token=…), never in the path: see member_views.invitation_accept
    path("invitations/accept/", member_views.invitation_accept, name="invitation-accept"),
]
