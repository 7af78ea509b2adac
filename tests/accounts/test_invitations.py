"""An invitation admits the account of the invited address, once, even when several people use the link at the same
moment; owners can withdraw it; its token is stored only as a hash and never travels in a URL path."""

import hashlib
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.concurrency import meet_before, run_together
from tests.factories import UserFactory
from vendoreval.accounts.models import Invitation, Membership
from vendoreval.accounts.services import invitation_create

ACCEPT = "/invitations/accept/"


def invite(organisation, owner, email="nina@example.se", role="evaluator") -> str:
    """Invite `email`; the link of the e-mail, as a path with its query."""
    invitation_create(organisation=organisation, email=email, role=role, invited_by=owner,
                      base_url="http://testserver")
    return re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)


def opened(link, user=None) -> Client:
    """A browser that opened the invitation link (signed in as `user`, if given)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    assert client.get(link).status_code == 302
    return client


@pytest.mark.django_db
def test_the_link_carries_the_token_in_the_query_and_the_database_only_its_hash(organisation, owner):
    link = invite(organisation, owner)
    assert link.startswith(ACCEPT + "?token=")
    token = link.split("?token=", 1)[1]
    invitation = Invitation.objects.get()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(getattr(invitation, f.attname)) for f in Invitation._meta.concrete_fields]
    assert not any(token in value for value in stored)


@pytest.mark.django_db
def test_opening_the_link_moves_the_token_out_of_the_address(client, organisation, owner):
    link = invite(organisation, owner)
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == ACCEPT
    page = client.get(ACCEPT)
    assert page.status_code == 200 and "Create my account and join" in page.content.decode()
    assert link.split("?token=", 1)[1] not in page.content.decode()


@pytest.mark.django_db
def test_an_unknown_token_or_no_link_opened_is_a_404(client, organisation, owner):
    invite(organisation, owner)
    assert client.get(ACCEPT + "?token=not-the-token").status_code == 404
    page = client.get(ACCEPT)
    assert page.status_code == 404 and "Open the link in your" in page.content.decode()


@pytest.mark.django_db
def test_another_signed_in_account_is_refused_with_a_clear_message(organisation, owner):
    link = invite(organisation, owner, email="Nina@Example.se")
    intruder = UserFactory(username="mallory", email="mallory@example.eu")
    client = opened(link, intruder)
    for response in (client.get(ACCEPT), client.post(ACCEPT)):
        assert response.status_code == 403
        html = response.content.decode()
        assert "This invitation is for n…@example.se" in html and "signed in as mallory" in html
        assert "Accept and join" not in html
    assert not Membership.objects.filter(user=intruder).exists()
    # the invited account (the address compared without case) still can
    nina = UserFactory(username="nina", email="NINA@example.se")
    assert opened(link, nina).post(ACCEPT).status_code == 302
    assert Membership.objects.filter(user=nina, organisation=organisation, role="evaluator").exists()


@pytest.mark.django_db
def test_an_account_without_an_address_is_refused(organisation, owner):
    client = opened(invite(organisation, owner), UserFactory(username="noaddress", email=""))
    assert client.post(ACCEPT).status_code == 403
    assert not Membership.objects.filter(user__username="noaddress").exists()


@pytest.mark.django_db
def test_an_owner_withdraws_an_open_invitation_and_its_link_stops_working(organisation, owner):
    link = invite(organisation, owner)
    invitee = opened(link)
    invitation = Invitation.objects.get()
    owner_client = Client()
    owner_client.force_login(owner)
    members = owner_client.get(reverse("members", kwargs={"org": organisation.slug})).content.decode()
    revoke_url = reverse("invitation-revoke", kwargs={"org": organisation.slug})
    assert f'action="{revoke_url}"' in members and f'name="invitation" value="{invitation.pk}"' in members
    response = owner_client.post(revoke_url, {"invitation": invitation.pk}, follow=True)
    assert "The invitation of nina@example.se was withdrawn" in response.content.decode()
    assert "nina@example.se as evaluator" not in response.content.decode()  # no longer listed as open
    invitation.refresh_from_db()
    assert invitation.revoked_by == owner and invitation.revoked_at is not None
    refused = invitee.post(ACCEPT, {"username": "nina", "password1": "Fjord-lantern-42",
                                    "password2": "Fjord-lantern-42"})
    assert refused.status_code == 410 and "withdrawn by an owner" in refused.content.decode()
    assert not Membership.objects.filter(user__username="nina").exists()
    again = owner_client.post(revoke_url, {"invitation": invitation.pk}, follow=True)
    assert "was no longer open" in again.content.decode()


@pytest.mark.django_db
def test_an_owner_cannot_withdraw_another_organisations_invitation(organisation, owner, outsider):
    invite(organisation, owner)
    invitation = Invitation.objects.get()
    client = Client()
    client.force_login(outsider)
    other = outsider.memberships.get().organisation
    response = client.post(reverse("invitation-revoke", kwargs={"org": other.slug}), {"invitation": invitation.pk},
                           follow=True)
    assert "does not exist" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.is_open


@pytest.mark.django_db(transaction=True)
def test_eight_newcomers_using_one_link_at_once_create_one_account(organisation, owner):
    link = invite(organisation, owner)
    clients = [opened(link) for _ in range(8)]

    def sign_up(i):
        password = f"Fjord-lantern-{i}x"
        return lambda: clients[i].post(ACCEPT, {"username": f"nina{i}", "password1": password,
                                                "password2": password})

    # every request that passed the "still open?" check reaches the acceptance together, unless they queue
    with meet_before(Invitation, "save", parties=8):
        responses = run_together(*(sign_up(i) for i in range(8)))
    statuses = sorted(getattr(r, "status_code", r) for r in responses)
    assert statuses == [302] + [410] * 7
    assert Membership.objects.filter(organisation=organisation).exclude(user=owner).count() == 1
    assert list(UserFactory._meta.model.objects.filter(username__startswith="nina").values_list("email", flat=True)
                ) == ["nina@example.se"]  # the refused newcomers got no account either


@pytest.mark.django_db(transaction=True)
def test_eight_signed_in_accounts_using_one_link_at_once_admit_one(organisation, owner):
    """Eight accounts with the invited address (e-mail addresses are not unique) post the link together."""
    link = invite(organisation, owner)
    users = [UserFactory(username=f"twin{i}", email="nina@example.se") for i in range(8)]
    clients = [opened(link, user) for user in users]
    with meet_before(Invitation, "save", parties=8):
        responses = run_together(*(lambda c=c: c.post(ACCEPT) for c in clients))
    statuses = sorted(getattr(r, "status_code", r) for r in responses)
    assert statuses == [302] + [410] * 7
    assert Membership.objects.filter(organisation=organisation, user__in=users).count() == 1


def serve_access_log_format() -> str:
    from django.conf import settings

    script = (settings.BASE_DIR / "scripts" / "serve.sh").read_text()
    return re.search(r"^ACCESS_LOG_FORMAT='([^']+)'", script, re.MULTILINE).group(1)


def test_the_access_log_of_make_serve_never_has_the_token(tmp_path):
    """gunicorn as `make serve` starts it, logging to a file: the request is there, its token is not."""
    import urllib.error
    import urllib.request

    from tests.servers import gunicorn

    log = tmp_path / "access.log"
    token = "Tok3n-that-must-not-be-logged"
    with gunicorn("--access-logfile", str(log), "--access-logformat", serve_access_log_format()) as base:
        try:
            urllib.request.urlopen(f"{base}{ACCEPT}?token={token}", timeout=30)  # noqa: S310 - loopback only
        except urllib.error.HTTPError as exc:
            assert exc.code in (404, 500), exc.code  # no database here: the page does not matter, the log does
    text = log.read_text()
    assert f"GET {ACCEPT} HTTP/1.1" in text
    assert token not in text
