"""Seed the load benchmark's evaluators: run inside `manage.py shell --no-imports -c` by bench/load/benchmark.py.

Creates (or reuses) LOAD_USERS users `load-evaluator-NN`, each owner of its own organisation with one evaluation,
all with the password in LOAD_PASSWORD, resets django-axes lockouts for them, and prints one JSON line (prefixed with
SEED_JSON=) with the accounts and the questionnaire field values the simulated evaluators may post.
Everything goes through the services, as the app itself does.
"""

import json
import os

from axes.utils import reset
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from vendoreval.accounts.models import Membership, Role
from vendoreval.accounts.services import organisation_create
from vendoreval.checklist.selectors import current_checklist
from vendoreval.evaluations.context import evaluation_context
from vendoreval.evaluations.models import Classification, Evaluation
from vendoreval.evaluations.services import evaluation_create, evaluation_set_field

EVALUATION_NAME = "Load test evaluation"


def _background_reports() -> bool:
    """Whether this version has the background report flow (request, poll the status, download the file)."""
    try:
        for name in ("evaluation-report", "evaluation-report-status", "evaluation-report-file"):
            document = {"document_id": "d"} if name != "evaluation-report" else {}
            reverse(name, kwargs={"org": "o", "slug": "e", **document})
    except NoReverseMatch:
        return False
    return True


def seed(count: int, password: str) -> dict:
    checklist = current_checklist()
    if checklist is None:
        raise SystemExit("No catalog loaded: run manage.py load_catalog first (make serve does).")
    context = evaluation_context(checklist)
    user_model = get_user_model()
    hashed = make_password(password)  # one hash for all: hashing 50 times would only slow the seeding down
    accounts = []
    for n in range(1, count + 1):
        with transaction.atomic():
            username = f"load-evaluator-{n:02d}"
            user, _ = user_model.objects.get_or_create(username=username)
            user.password = hashed
            user.save(update_fields=["password"])
            membership = (Membership.objects.select_related("organisation")
                          .filter(user=user, role=Role.OWNER).order_by("pk").first())
            organisation = (membership.organisation if membership else
                            organisation_create(name=f"Load test organisation {n:02d}", owner=user))
            evaluation = Evaluation.objects.filter(organisation=organisation, name=EVALUATION_NAME).first()
            if evaluation is None:
                evaluation = evaluation_create(organisation=organisation, name=EVALUATION_NAME, actor=user,
                                               context=context)
            # A realistic starting point: a sector and a classification, as after the first questionnaire step.
            for field, values in (("sector", [next(iter(context.presets))]), ("classification", ["internal"])):
                evaluation_set_field(evaluation=evaluation, field=field, values=values, actor=user, context=context)
        accounts.append({"username": username, "org": organisation.slug, "slug": evaluation.slug})
        reset(username=username)  # no lockout left from an earlier run (the evaluators use the right password)
    return {
        "accounts": accounts,
        "reports": _background_reports(),
        "fields": {
            "sector": list(context.presets),
            "classification": [value for value, _ in Classification.choices if value],
            "regulations": [r["key"] for r in context.regulations],
            "must_have": [c.key for c in context.criteria],
            "own_hosting": [c.key for c in context.criteria if c.buyer_controlled_when_self_hosted],
            "seal": [o.key for o in context.spec.objectives],
            "weight": list(context.area_names),
            "trusted_countries": list(context.default_trusted),
        },
    }


print("SEED_JSON=" + json.dumps(seed(int(os.environ.get("LOAD_USERS", "50")), os.environ["LOAD_PASSWORD"])))
