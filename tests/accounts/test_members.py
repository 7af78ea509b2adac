"""Owners invite members by an emailed link and remove them; the last owner cannot leave."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory
from vendoreval.accounts.models import Membership

pytestmark = pytest.mark.django_db


def members_url(organisation):
    return reverse("members", kwargs={"org": organisation.slug})


def invitation_link(message) -> str:
    return re.search(r"http://testserver(/invitations/accept/\?token=\S+)", message.body).group(1)


def test_owner_invites_by_email_and_the_invitee_joins_with_the_link(client, organisation, owner):
    client.force_login(owner)
    response = client.post(members_url(organisation), {"email": "Jeanne.Dupont@Example.fr", "role": "viewer"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jeanne.dupont@example.fr"]
    link = invitation_link(mail.outbox[0])

    invitee = UserFactory(username="jeanne", email="Jeanne.Dupont@example.fr")
    client.force_login(invitee)
    page = client.get(link, follow=True)
    assert page.redirect_chain == [(reverse("invitation-accept"), 302)]  # the token leaves the address at once
    assert "Join Bundeswehr Beschaffung Test" in page.content.decode()
    assert client.post(reverse("invitation-accept")).status_code == 302
    membership = Membership.objects.get(user=invitee)
    assert (membership.organisation, membership.role) == (organisation, "viewer")
    client.get(link)
    reused = client.post(reverse("invitation-accept"))
    assert reused.status_code == 410 and "expired or was already used" in reused.content.decode()


def test_invitation_with_a_bad_email_is_explained_next_to_the_field(client, organisation, owner):
    client.force_login(owner)
    response = client.post(members_url(organisation), {"email": "not-an-email", "role": "viewer"})
    assert response.status_code == 400
    assert "Enter a valid email address" in response.content.decode()
    assert mail.outbox == []


def test_owner_removes_a_member(client, organisation, owner, evaluator):
    client.force_login(owner)
    membership = Membership.objects.get(user=evaluator)
    response = client.post(reverse("member-remove", kwargs={"org": organisation.slug, "membership_id": membership.pk}),
                           follow=True)
    assert response.redirect_chain == [(members_url(organisation), 302)]
    assert f"{evaluator.username} no longer belongs to {organisation.name}." in response.content.decode()
    assert not Membership.objects.filter(user=evaluator).exists()


def test_the_last_owner_cannot_leave(client, organisation, owner):
    client.force_login(owner)
    membership = Membership.objects.get(user=owner)
    response = client.post(reverse("member-remove", kwargs={"org": organisation.slug, "membership_id": membership.pk}),
                           follow=True)
    assert "The last owner cannot leave" in response.content.decode()
    assert Membership.objects.filter(user=owner, role="owner").exists()


@pytest.mark.parametrize("role", ["evaluator", "viewer"])
def test_only_owners_manage_members(client, organisation, member, role):
    client.force_login(member(role))
    assert client.get(members_url(organisation)).status_code == 403
    assert client.post(members_url(organisation), {"email": "x@example.eu", "role": "owner"}).status_code == 403
    assert mail.outbox == []


def test_members_of_other_organisations_do_not_see_the_member_list(client, organisation, outsider):
    client.force_login(outsider)
    assert client.get(members_url(organisation)).status_code == 404


def test_a_newcomer_creates_an_account_from_the_invitation(client, organisation, owner):
    from vendoreval.accounts.services import invitation_create

    invitation_create(organisation=organisation, email="nina@example.se", role="evaluator", invited_by=owner,
                      base_url="http://testserver")
    assert client.get(invitation_link(mail.outbox[0])).status_code == 302
    link = reverse("invitation-accept")
    assert "Create my account and join" in client.get(link).content.decode()
    weak = client.post(link, {"username": "nina", "password1": "12345678", "password2": "12345678"})
    assert weak.status_code == 400
    html = weak.content.decode()
    assert "This password is too short" in html and "This password is entirely numeric" in html
    assert not Membership.objects.filter(user__username="nina").exists()
    response = client.post(link, {"username": "nina", "password1": "Fjord-lantern-42", "password2": "Fjord-lantern-42"})
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="nina")
    assert (membership.organisation, membership.role, membership.user.email) == (organisation, "evaluator",
                                                                                "nina@example.se")
    assert client.get(reverse("home")).status_code == 200  # signed in
