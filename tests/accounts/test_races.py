"""Membership changes made at the same moment, with real threads on the real database (PostgreSQL in CI)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.concurrency import meet_before, run_together
from tests.factories import MembershipFactory, UserFactory
from vendoreval.accounts.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)


def remover(organisation, user, membership):
    client = Client()
    client.force_login(user)

    def remove():
        return client.post(reverse("member-remove", kwargs={"org": organisation.slug, "membership_id": membership.pk}))
    return remove


def test_two_owners_removing_each_other_at_once_leave_one_owner(organisation):
    anna, bruno = UserFactory(username="anna"), UserFactory(username="bruno")
    anna_m = MembershipFactory(organisation=organisation, user=anna, role="owner")
    bruno_m = MembershipFactory(organisation=organisation, user=bruno, role="owner")
    # both requests reach the deletion together unless one waits for the other
    with meet_before(Membership, "delete", parties=2):
        responses = run_together(remover(organisation, anna, bruno_m), remover(organisation, bruno, anna_m))
    # each is answered (a request that waited may find its sender no longer a member: 404)
    assert {getattr(r, "status_code", r) for r in responses} <= {302, 404}, responses
    assert Membership.objects.filter(organisation=organisation, role="owner").count() == 1


def test_an_owner_leaving_while_removed_by_the_other_leaves_one_owner(organisation):
    anna, bruno = UserFactory(username="anna"), UserFactory(username="bruno")
    anna_m = MembershipFactory(organisation=organisation, user=anna, role="owner")
    MembershipFactory(organisation=organisation, user=bruno, role="owner")
    with meet_before(Membership, "delete", parties=2):
        run_together(remover(organisation, anna, anna_m), remover(organisation, bruno, anna_m))
    assert Membership.objects.filter(organisation=organisation, role="owner").count() == 1
