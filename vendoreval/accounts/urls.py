from django.urls import path

from . import member_views

urlpatterns = [
    path("o/<slug:org>/members/", member_views.members, name="members"),
    path("o/<slug:org>/members/<int:membership_id>/remove/", member_views.member_remove, name="member-remove"),
    path("invitations/<str:token>/", member_views.invitation_accept, name="invitation-accept"),
]
