"""Server time of the pages on the real catalog (2,000 sensitivity samples on the results page).

Runs in-process against a throw-away SQLite database under var/bench, through Django's full request stack. The
results page is measured twice: served from the outcome cache (the evaluation, the catalog revision and the private
offerings unchanged since the last view) and computed (the cache emptied before every request, as after a change).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("VENDOREVAL_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vendoreval.settings_test")
Path(os.environ["VENDOREVAL_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
db = Path(os.environ["VENDOREVAL_VAR_DIR"]) / "vendoreval.sqlite3"
db.unlink(missing_ok=True)

import django

django.setup()

from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.test.utils import setup_test_environment

setup_test_environment()
call_command("migrate", verbosity=0)

from vendoreval.accounts.services import organisation_create, user_create
from vendoreval.catalog.loader import catalog_load_files
from vendoreval.catalog.models import Answer, Offering
from vendoreval.checklist.selectors import current_checklist
from vendoreval.evaluations.context import evaluation_context
from vendoreval.evaluations.services import evaluation_create, evaluation_set_field, forget_outcomes

started = time.perf_counter()
catalog_load_files(root=settings.DATA_DIR)
load_ms = (time.perf_counter() - started) * 1000

user = user_create(username="bench", password="bench-password-123")  # noqa: S106 - a throw-away benchmark database
organisation = organisation_create(name="Bench GmbH", owner=user)
context = evaluation_context(current_checklist())
evaluation = evaluation_create(organisation=organisation, name="Bench", actor=user, context=context)
answers = [("sector", ["public"]), ("classification", ["confidential"]),
           ("trusted_countries", list(context.default_trusted))]
answers += [(f"own_hosting:{c.key}", ["4"]) for c in context.criteria if c.buyer_controlled_when_self_hosted]
for field, values in answers:
    evaluation_set_field(evaluation=evaluation, field=field, values=values, actor=user, context=context)

client = Client()
client.force_login(user)
results = f"/o/{organisation.slug}/e/{evaluation.slug}/"
paths = {
    "results page, from the cache": results,
    "results page, computed": results,
    "comparison page (3 offerings)": f"/o/{organisation.slug}/e/{evaluation.slug}/compare/"
                                     "?o=mistral-self-hosted&o=ovhcloud-ai-endpoints&o=ionos-ai-model-hub",
    "questionnaire autosave": None,
    "catalog page": "/catalog/",
}
offerings, answered = Offering.objects.filter(organisation=None).count(), Answer.objects.count()
print(f"catalog load ({offerings} offerings, {answered} answers): {load_ms:.0f} ms")
print(f"{'page':32} {'best ms':>8} {'median ms':>10} {'peak MiB':>9}")


def request(name, path, i):
    if name == "results page, computed":
        forget_outcomes()
    if path is None:
        return client.post(f"/o/{organisation.slug}/e/{evaluation.slug}/field/use_cases/",
                           {"use_cases": f"run {i}"}, HTTP_HX_REQUEST="true")
    return client.get(path)


for name, path in paths.items():
    timings = []
    for i in range(15):
        t = time.perf_counter()
        response = request(name, path, i)
        timings.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (name, response.status_code)
    tracemalloc.start()  # memory in a separate run: tracing slows Python down several times
    request(name, path, 99)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"{name:32} {min(timings):8.1f} {statistics.median(timings):10.1f} {peak:9.2f}")
