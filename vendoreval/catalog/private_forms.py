"""The forms of an organisation's private offerings: the offering itself, and one row per checklist answer.

Django forms do the parsing and validation (lengths, NUL characters, dates, URLs, choices), so every mistake is
reported next to its field and nothing is ever cut silently; `private_services` writes what they cleaned.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from vendoreval.checklist.models import Criterion

from .models import Answer, Company, Country, Evidence, Offering
from .rules import BUYER_HOSTED_MODES, LEVEL_NEEDS_SOURCE, buyer_controlled_required, not_assessed
from .schema import Confidence, DeploymentMode

MISSING_COMPANY = gettext_lazy("Choose a company from the list; a catalog editor can add one that is missing.")


def _limit(n: int) -> dict[str, str]:
    message = gettext_lazy("Keep this under {limit} characters: it has %(show_value)d. Nothing was cut.")
    return {"max_length": format_lazy(message, limit=n)}


class CompanyField(forms.ModelChoiceField):
    def __init__(self, *, error_messages: dict | None = None, **kwargs):
        super().__init__(queryset=Company.objects.only("key", "name", "country_id"), to_field_name="key",
                         error_messages={"invalid_choice": MISSING_COMPANY, **(error_messages or {})}, **kwargs)


class PrivateOfferingForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={
        "required": gettext_lazy("Give the offering a name, for example “In-house Llama cluster”."), **_limit(200)})
    product = forms.CharField(max_length=200, required=False, error_messages=_limit(200))
    vendor = CompanyField(error_messages={"required": gettext_lazy("Choose the contracting entity (for an in-house "
                                                            "deployment: whoever licenses the model).")})
    model_provider = CompanyField(required=False)
    deployment_mode = forms.ChoiceField(choices=[(m.value, m.label) for m in DeploymentMode], error_messages={
        "required": gettext_lazy("Choose how the offering is deployed."),
        "invalid_choice": gettext_lazy("Choose how the offering is deployed.")})
    hosting_operator = CompanyField(required=False)
    processing_regions = forms.ModelMultipleChoiceField(
        queryset=Country.objects.all(), to_field_name="code", required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose processing regions from the list of countries."),
                        "invalid_pk_value": gettext_lazy("Choose processing regions from the list of countries.")})
    model_licence = forms.CharField(max_length=400, required=False, error_messages=_limit(400))
    summary = forms.CharField(max_length=5000, required=False, widget=forms.Textarea, error_messages=_limit(5000))

    @classmethod
    def initial_of(cls, offering: Offering) -> dict:
        return {
            "name": offering.name, "product": offering.product, "vendor": offering.vendor.key,
            "model_provider": offering.model_provider.key if offering.model_provider else "",
            "deployment_mode": offering.deployment_mode,
            "hosting_operator": offering.hosting_operator.key if offering.hosting_operator else "",
            "processing_regions": sorted(c.code for c in offering.processing_regions.all()),
            "model_licence": offering.model_licence, "summary": offering.summary,
        }

    def clean(self) -> dict:
        data = super().clean()
        mode = DeploymentMode(data["deployment_mode"]) if data.get("deployment_mode") else None
        if mode is not None and "hosting_operator" not in self.errors:
            operator = data.get("hosting_operator")
            if operator is None and mode not in BUYER_HOSTED_MODES:
                self.add_error("hosting_operator", _(
                    "“%(mode)s” is run by someone else: choose the hosting operator. Only on-premises software or "
                    "self-hosted open weights are hosted by you.") % {"mode": mode.label})
            if operator is not None and mode is DeploymentMode.SELF_HOSTED_OPEN_WEIGHTS:
                self.add_error("hosting_operator", _("Self-hosted open weights are hosted by you: choose “We host it "
                                                     "ourselves”."))
        if data.get("name") and not data.get("product"):
            data["product"] = data["name"]
        return data


# --- answers -----------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Source:
    url: str
    title: str
    source_date: dt.date | None
    accessed: dt.date
    confidence: str


@dataclasses.dataclass(frozen=True)
class AnswerTarget:
    """One cleaned answer row, ready to write."""

    criterion: Criterion
    status: str
    level: int | None
    rationale: str
    source: Source | None


def status_choices(criterion: Criterion, offering: Offering) -> list[tuple[str, str]]:
    if buyer_controlled_required(criterion, offering):
        return [(Answer.BUYER_CONTROLLED, _("Buyer-controlled: decided by your own hosting"))]
    levels = [(str(i), f"{i} — {criterion.level_meaning(i)}".rstrip(" —")) for i in range(4, -1, -1)]
    return [*levels, (Answer.UNKNOWN, pgettext("answer status", "Unknown"))]


class PastDateField(forms.DateField):
    def __init__(self, **kwargs):
        super().__init__(input_formats=["%Y-%m-%d"],
                         error_messages={"invalid": gettext_lazy("Give the date as YYYY-MM-DD.")}, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value and value > timezone.localdate():
            raise ValidationError(_("This date is in the future."))


class AnswerRowForm(forms.Form):
    """One criterion's answer, posted as "<criterion key>-<field>" (the form's prefix is the criterion key)."""

    status = forms.ChoiceField()
    rationale = forms.CharField(max_length=4000, required=False, widget=forms.Textarea,
                                error_messages=_limit(4000))
    url = forms.URLField(max_length=Evidence._meta.get_field("url").max_length, required=False, assume_scheme="https",
                         error_messages={
                             "invalid": gettext_lazy("Give the source's full address, starting with https://."),
                             "max_length": gettext_lazy("This address is too long (500 characters at most).")})
    title = forms.CharField(max_length=Evidence._meta.get_field("title").max_length, required=False,
                            error_messages=_limit(300))
    source_date = PastDateField(required=False)
    accessed = PastDateField(required=False)
    confidence = forms.ChoiceField(choices=[(c.value, c.label) for c in Confidence], required=False,
                                   error_messages={"invalid_choice": gettext_lazy("Choose how sure the source is.")})

    def __init__(self, *args, criterion: Criterion, offering: Offering, **kwargs):
        super().__init__(*args, prefix=criterion.key, **kwargs)
        self.criterion, self.offering = criterion, offering
        self.fields["status"].choices = status_choices(criterion, offering)
        buyer = buyer_controlled_required(criterion, offering)
        self.fields["status"].error_messages["invalid_choice"] = (
            _("%(criterion)s is decided by your own hosting: it is buyer-controlled.") % {"criterion": criterion.key}
            if buyer else
            _("Only criteria decided by your own hosting, of an offering you host yourself, can be buyer-controlled.")
            if self.data.get(self.add_prefix("status")) == Answer.BUYER_CONTROLLED else
            _("Choose a level 0–4 or unknown."))

    @property
    def row(self) -> dict[str, str]:
        """What the row shows: the posted values (kept next to their messages) or the saved answer."""
        return {name: self[name].value() or "" for name in self.fields}

    @property
    def choices(self) -> list[tuple[str, str]]:
        return self.fields["status"].choices

    @property
    def messages(self) -> dict[str, str]:
        return {name: errors[0] for name, errors in self.errors.items()} if self.is_bound else {}

    def clean(self) -> dict:
        data = super().clean()
        status = data.get("status", "")
        if status not in (Answer.UNKNOWN, Answer.BUYER_CONTROLLED, "") and not data.get("url") \
                and "url" not in self.errors:
            self.add_error("url", _(LEVEL_NEEDS_SOURCE))
        if data.get("url") and not data.get("confidence") and "confidence" not in self.errors:
            data["confidence"] = Confidence.CONFIRMED.value
        return data

    def target(self) -> AnswerTarget:
        data = self.cleaned_data
        status, level = data["status"], None
        if status not in (Answer.UNKNOWN, Answer.BUYER_CONTROLLED):
            status, level = Answer.LEVEL, int(status)
        rationale = data["rationale"].strip()
        if status == Answer.UNKNOWN and not rationale:
            rationale = not_assessed(self.offering.organisation)
        source = None
        if data.get("url"):
            source = Source(data["url"], data["title"].strip(), data.get("source_date"),
                            data.get("accessed") or timezone.localdate(), data["confidence"])
        return AnswerTarget(self.criterion, status, level, rationale, source)


def answer_initial(answer: Answer | None, evidence: Evidence | None, offering: Offering) -> dict:
    """The saved answer as the row shows it: its first source, accessed today by default."""
    today = timezone.localdate().isoformat()
    if answer is None:
        return {"status": Answer.UNKNOWN, "accessed": today,
                "rationale": not_assessed(offering.organisation),
                "confidence": Confidence.CONFIRMED.value}
    return {
        "status": str(answer.level) if answer.status == Answer.LEVEL else answer.status,
        "rationale": answer.rationale, "url": evidence.url if evidence else "",
        "title": evidence.title if evidence else "",
        "source_date": evidence.source_date.isoformat() if evidence and evidence.source_date else "",
        "accessed": evidence.accessed.isoformat() if evidence else today,
        "confidence": evidence.confidence if evidence else Confidence.CONFIRMED.value,
    }
