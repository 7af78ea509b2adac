"""Catalog editors see unknown and stale answers first where the most evaluations rely on them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from vendoreval.catalog.models import Answer
from vendoreval.evaluations.services import evaluation_set_field
from vendoreval.evaluations.work_queue import work_queue

pytestmark = pytest.mark.django_db


def test_answers_an_evaluation_relies_on_come_first(evaluation, owner, context):
    relied = (Answer.objects.filter(offering__organisation__isnull=True, status="unknown")
              .select_related("offering", "criterion__area").first())
    evaluation_set_field(evaluation=evaluation, field="shortlist", values=[relied.offering.key], actor=owner,
                         context=context)
    evaluation_set_field(evaluation=evaluation, field=f"weight:{relied.criterion.area.key}", values=["25"],
                         actor=owner, context=context)
    items = work_queue(timezone.localdate())
    first = items[0]
    assert first.evaluations == 1 and first.state == "unknown"
    relied_keys = {(i.offering, i.criterion) for i in items if i.evaluations}
    assert (relied.offering.key, relied.criterion.key) in relied_keys
    assert all(i.offering == relied.offering.key for i in items if i.evaluations)
    assert items[-1].evaluations == 0


def test_only_catalog_editors_see_the_queue(client, evaluator, catalog):
    from vendoreval.accounts.services import user_create

    client.force_login(evaluator)
    assert client.get(reverse("catalog-work-queue")).status_code == 403
    client.force_login(user_create(username="editor", password="editor-password-1", staff=True))
    assert client.get(reverse("catalog-work-queue")).status_code == 200
