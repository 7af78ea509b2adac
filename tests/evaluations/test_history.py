"""The change history people read: labels and values instead of field names and JSON, consecutive edits by one person
grouped, the same lines on the activity page and in the report (one pure module, `evaluations/history.py`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from vendoreval.evaluations.history import Change, Labels, group_history
from vendoreval.evaluations.services import evaluation_set_field

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LABELS = Labels(areas={"A": "Ownership & control", "B": "Legal exposure"},
                criteria={"B1": "Extraterritorial exposure", "D3": "Hosting operator"},
                objectives={"SOV-3": "Data and AI sovereignty"}, sectors={"defence": "Defence & aerospace"},
                classifications={"restricted": "Restricted / secret"}, regulations={"nis2": "NIS2"},
                modes={"self_hosted": "Self-hosted"}, uses={"military": "Military or defence use"},
                offerings={"mistral-self-hosted": "Mistral, self-hosted"})


def event(minutes: float, field: str, old, new, *, actor: str = "anna", action: str = "changed", note: str = ""):
    return {"at": T0 + dt.timedelta(minutes=minutes), "actor": actor, "action": action, "field": field,
            "old_value": old, "new_value": new, "note": note}


def lines(*events, labels: Labels = LABELS) -> list[str]:
    return [str(c) for g in group_history(events, labels) for c in g.changes]


@pytest.mark.parametrize("field, old, new, expected", [
    ("area_weights", {"A": 20, "B": 20}, {"A": 20, "B": 25}, "Weight of Legal exposure: 20 → 25"),
    ("must_haves", {}, {"B1": 4}, "Must-have B1 Extraterritorial exposure: none → 4"),
    ("trusted_countries", ["DE", "SE"], ["CH", "DE"], "Trusted jurisdictions: + CH, − SE"),
    ("sector", "", "defence", "Sector: not set → Defence & aerospace"),
    ("classification", "", "restricted", "Data classification: not set → Restricted / secret"),
    ("name", "Old", "New", "Name: “Old” → “New”"),
    ("use_cases", "", "Drafting tender answers", "Use cases: empty → “Drafting tender answers”"),
    ("acceptable_modes", [], ["self_hosted"], "Acceptable deployment modes: + Self-hosted"),
    ("regulations", ["nis2"], [], "Regulations: − NIS2"),
    ("licence_uses", [], ["military"], "Uses the model licence must permit: + Military or defence use"),
    ("shortlist", [], ["mistral-self-hosted"], "Shortlist: + Mistral, self-hosted"),
    ("seal_minimums", {}, {"SOV-3": 3}, "Minimum SEAL for SOV-3 Data and AI sovereignty: none → 3"),
    ("own_hosting_levels", {}, {"D3": 3}, "Own-hosting level of D3 Hosting operator: not stated → 3"),
    ("overrides", {}, {"B1": {"level": None, "reason": "we host it ourselves"}},
     "Override of must-have B1 Extraterritorial exposure: dropped (“we host it ourselves”)"),
    ("overrides", {"B1": {"level": 2, "reason": "x"}}, {},
     "Override of must-have B1 Extraterritorial exposure: override withdrawn, the rule applies again"),
    ("monthly_users", None, 5000, "Monthly active users: not stated → 5,000"),
    ("trusted_confirmed", False, True, "Trusted jurisdictions confirmed"),
])
def test_each_field_reads_as_a_person_would_say_it(field, old, new, expected):
    assert lines(event(0, field, old, new)) == [expected]


def test_several_keys_of_one_field_make_one_line():
    assert lines(event(0, "area_weights", {"A": 1, "B": 1}, {"A": 20, "B": 25})) == [
        "Weights: Ownership & control 1 → 20; Legal exposure 1 → 25"]


def test_a_field_edited_several_times_in_a_row_is_one_line_from_first_to_last_value():
    edits = [event(i, "area_weights", {"A": 20, "B": 20 + i}, {"A": 20, "B": 21 + i}) for i in range(5)]
    groups = group_history(edits, LABELS)
    assert len(groups) == 1
    assert [str(c) for c in groups[0].changes] == ["Weight of Legal exposure: 20 → 25"]


def test_a_field_changed_and_set_back_says_so():
    assert lines(event(0, "sector", "", "defence"), event(1, "sector", "defence", "")) == [
        "Sector: changed, then set back"]


def test_one_burst_by_one_person_is_one_heading_with_every_field_once():
    events = [event(0, "", None, "Engineering assistant", action="created"),
              event(1, "sector", "", "defence"), event(1, "area_weights", {"A": 1}, {"A": 20}),
              event(3, "classification", "", "restricted"), event(4, "sector", "defence", "defence2")]
    [group] = group_history(events, LABELS)
    assert (group.actor, group.when) == ("anna", "2026-03-02 09:00–09:04")
    assert [c.label for c in group.changes] == ["Created the evaluation “Engineering assistant”", "Sector",
                                                "Weight of Ownership & control", "Data classification"]
    assert group.changes[1] == Change("Sector", "not set → defence2")


def test_another_person_or_a_pause_starts_a_new_group():
    events = [event(0, "sector", "", "defence"), event(2, "classification", "", "restricted", actor="bob"),
              event(3, "name", "a", "b", actor="bob"), event(3 + 31, "name", "b", "c", actor="bob")]
    groups = group_history(events, LABELS)
    assert [(g.actor, len(g.changes)) for g in groups] == [("anna", 1), ("bob", 2), ("bob", 1)]
    assert [g.actor for g in group_history(events, LABELS, newest_first=True)] == ["bob", "bob", "anna"]


def test_events_from_a_snapshot_with_iso_times_group_the_same():
    events = [event(0, "sector", "", "defence"), event(1, "classification", "", "restricted")]
    as_text = [{**e, "at": e["at"].isoformat()} for e in events]
    assert group_history(as_text, LABELS) == group_history(events, LABELS)


def test_reports_generated_in_one_sitting_are_listed_together():
    events = [event(0, "", None, "f1", action="report_generated", note="VE-AAA"),
              event(1, "", None, "f2", action="report_generated", note="VE-BBB")]
    assert lines(*events) == ["Generated reports: VE-AAA, VE-BBB"]


def test_unknown_keys_are_shown_as_they_are():
    assert lines(event(0, "must_haves", {}, {"Z9": 2}), labels=Labels()) == ["Must-have Z9: none → 2"]


def test_a_normal_evaluations_history_fits_on_a_page():
    """A questionnaire answered in one sitting, a colleague's weight tuning the next day, a report, an override
    later: about forty audit rows read as four headings and fewer than twenty lines."""
    day = 24 * 60
    weights = dict.fromkeys("ABCDEFGHI", 10)
    events = [event(0, "", None, "Engineering assistant", action="created"),
              event(1, "name", "Engineering", "Engineering assistant"), event(2, "sector", "", "defence"),
              event(2, "area_weights", {}, weights), event(3, "classification", "", "restricted"),
              event(4, "use_cases", "", "Assistant over design documents " * 5), event(5, "regulations", [], ["nis2"]),
              event(6, "trusted_countries", ["DE", "FR"], ["CH", "DE", "FR"]),
              event(6, "trusted_confirmed", False, True), event(7, "acceptable_modes", ["a", "b"], ["b"]),
              *[event(8 + i, "must_haves", {"B1": i} if i else {}, {"B1": i + 1}) for i in range(4)],
              event(12, "seal_minimums", {}, {"SOV-3": 3})]
    tuned = dict(weights)
    for i in range(16):  # the colleague tries weights one keystroke at a time
        before, tuned = dict(tuned), {**tuned, "AB"[i % 2]: tuned["AB"[i % 2]] + 1}
        events.append(event(day + i, "area_weights", before, tuned, actor="bob"))
    events += [event(day + 20, "shortlist", [], ["mistral-self-hosted"], actor="bob"),
               event(day + 25, "", None, "f", action="report_generated", note="VE-AAAAAAAAAAAA", actor="bob"),
               event(3 * day, "overrides", {}, {"C1": {"level": 2, "reason": "data stays on site"}}),
               event(3 * day + 1, "overrides", {"C1": {"level": 2, "reason": "data stays on site"}},
                     {"C1": {"level": 3, "reason": "data stays on site, operated by us"}})]
    assert len(events) >= 35
    groups = group_history(events, LABELS)
    assert [g.actor for g in groups] == ["anna", "bob", "anna"]
    assert sum(len(g.changes) for g in groups) <= 20
    assert "Weights: Ownership & control 10 → 18; Legal exposure 10 → 18" in [str(c) for c in groups[1].changes]


# --- the activity page and the report read the same history ---------------------------------------------------------


@pytest.mark.django_db
def test_activity_page_shows_labels_and_groups(client, evaluation, owner, evaluator, context):
    for weight in ("21", "22", "25"):
        evaluation_set_field(evaluation=evaluation, field="weight:B", values=[weight], actor=evaluator,
                             context=context)
    evaluation_set_field(evaluation=evaluation, field="must_have:B2", values=["3"], actor=evaluator, context=context)
    client.force_login(owner)
    html = client.get(reverse("evaluation-activity", kwargs={"org": evaluation.organisation.slug,
                                                               "slug": evaluation.slug})).content.decode()
    legal = context.area_names["B"]
    b2 = context.criteria_by_key["B2"].title
    assert f"Weight of {legal}:</span> " in html and " → 25</li>" in html
    assert html.count(f"Weight of {legal}") == 1  # three edits in a row, one line
    assert f"Must-have B2 {b2}:</span> none → 3" in html
    assert "Sector:</span> not set → Defence &amp; aerospace" in html
    assert "area_weights" not in html and "{" not in html.split("<h1>Activity</h1>", 1)[1]
    # newest first: the evaluator's group, then the owner's
    assert html.index(evaluator.username) < html.index(owner.username + "</td>")


@pytest.mark.django_db
def test_report_history_reads_the_same_as_the_activity_page(evaluation, owner, context):
    from vendoreval.evaluations.models import AuditEvent
    from vendoreval.evaluations.views import history_labels
    from vendoreval.reports.document import report_document
    from vendoreval.reports.snapshot import report_snapshot

    evaluation_set_field(evaluation=evaluation, field="override:B1", values=["drop", "We run the models ourselves"],
                         actor=owner, context=context)
    evaluation.refresh_from_db()
    document = report_document(report_snapshot(evaluation=evaluation, context=context))
    report_lines = [str(c) for g in document["history"] for c in g.changes]
    events = [{"at": e.at, "actor": owner.username, "action": e.action, "field": e.field,
               "old_value": e.old_value, "new_value": e.new_value, "note": e.note}
              for e in AuditEvent.objects.filter(evaluation=evaluation).order_by("at", "pk")]
    page_lines = [str(c) for g in group_history(events, history_labels(evaluation, context)) for c in g.changes]
    assert report_lines == page_lines
    b1 = context.criteria_by_key["B1"].title
    assert f"Override of must-have B1 {b1}: dropped (“We run the models ourselves”)" in report_lines
    assert "Sector: not set → Defence & aerospace" in report_lines
    assert len(document["history"]) == 1  # created and answered in one sitting by one person
