"""Writes of an organisation's private offerings: the offering itself and its checklist answers.

A private offering (e.g. an in-house deployment) belongs to one organisation, is seen and scored only by its members,
and obeys the same rules as the shared catalog (see `schema.py` and `files.py`): a level needs a source, an unknown
answer says why, and criteria decided by the buyer's own hosting are buyer-controlled exactly when the buyer hosts it.
The shared catalog (organisation NULL) is never written here; it is edited through the admin and the data files.

Every write records `actor` as the history user, so the admin history says who changed what.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from vendoreval.accounts.models import Organisation
from vendoreval.checklist.models import ChecklistVersion, Criterion
from vendoreval.checklist.selectors import current_checklist

from .models import Answer, Company, Country, Evidence, Offering
from .schema import Confidence, DeploymentMode

BUYER_HOSTED_MODES = (DeploymentMode.ON_PREMISES, DeploymentMode.SELF_HOSTED_OPEN_WEIGHTS)
LEVEL_NEEDS_SOURCE = "A level needs a source; without one the answer is unknown."
_URL = URLValidator(schemes=["http", "https"])


class OfferingInvalid(Exception):
    """The offering form has mistakes; `errors` maps a field name to the message shown next to it."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


@dataclasses.dataclass(frozen=True)
class PrivateOfferingData:
    """The offering form as submitted: companies by key, "" for an empty choice."""

    name: str = ""
    product: str = ""
    vendor: str = ""
    model_provider: str = ""
    deployment_mode: str = ""
    hosting_operator: str = ""  # "": we host it ourselves
    processing_regions: tuple[str, ...] = ()
    model_licence: str = ""
    summary: str = ""

    @classmethod
    def of(cls, offering: Offering) -> PrivateOfferingData:
        return cls(
            name=offering.name, product=offering.product, vendor=offering.vendor.key,
            model_provider=offering.model_provider.key if offering.model_provider else "",
            deployment_mode=offering.deployment_mode,
            hosting_operator=offering.hosting_operator.key if offering.hosting_operator else "",
            processing_regions=tuple(sorted(c.code for c in offering.processing_regions.all())),
            model_licence=offering.model_licence, summary=offering.summary)


def not_assessed(organisation: Organisation) -> str:
    return f"Not assessed yet by {organisation.name}"


def buyer_controlled_required(criterion: Criterion, offering: Offering) -> bool:
    """Criteria decided by the buyer's own hosting are buyer-controlled exactly when the buyer hosts the offering."""
    return offering.hosting_operator_id is None and criterion.buyer_controlled_when_self_hosted


def answerable_criteria(checklist: ChecklistVersion) -> list[Criterion]:
    """The criteria typed in by hand: derived ones are computed from the company and hosting chain."""
    return list(checklist.criteria.filter(derived=False).select_related("area").order_by("position", "key"))


# --- the offering -----------------------------------------------------------------------------------------------


def _clean_offering(data: PrivateOfferingData) -> dict:
    """Validated model values, or OfferingInvalid with every mistake at once."""
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = "Give the offering a name, for example “In-house Llama cluster”."
    elif len(name) > 200:
        errors["name"] = "Keep the name under 200 characters."
    keys = {k for k in (data.vendor, data.model_provider, data.hosting_operator) if k}
    companies = {c.key: c for c in Company.objects.filter(key__in=keys)}
    missing = "Choose a company from the list; a catalog editor can add one that is missing."
    if not data.vendor:
        errors["vendor"] = "Choose the contracting entity (for an in-house deployment: whoever licenses the model)."
    for field in ("vendor", "model_provider", "hosting_operator"):
        if getattr(data, field) and getattr(data, field) not in companies:
            errors[field] = missing
    try:
        mode = DeploymentMode(data.deployment_mode)
    except ValueError:
        mode = None
        errors["deployment_mode"] = "Choose how the offering is deployed."
    if mode is not None and "hosting_operator" not in errors:
        if not data.hosting_operator and mode not in BUYER_HOSTED_MODES:
            errors["hosting_operator"] = (f"“{mode.label}” is run by someone else: choose the hosting operator. "
                                          "Only on-premises software or self-hosted open weights are hosted by you.")
        if data.hosting_operator and mode is DeploymentMode.SELF_HOSTED_OPEN_WEIGHTS:
            errors["hosting_operator"] = ("Self-hosted open weights are hosted by you: "
                                          "choose “We host it ourselves”.")
    regions = sorted(set(data.processing_regions))
    if len(set(Country.objects.filter(code__in=regions).values_list("code", flat=True))) != len(regions):
        errors["processing_regions"] = "Choose processing regions from the list of countries."
    for field, limit in (("product", 200), ("model_licence", 200), ("summary", 5000)):
        if len(getattr(data, field).strip()) > limit:
            errors[field] = f"Keep this under {limit} characters."
    if errors:
        raise OfferingInvalid(errors)
    return {
        "name": name, "product": data.product.strip() or name, "vendor": companies[data.vendor],
        "model_provider": companies.get(data.model_provider), "deployment_mode": mode.value,
        "hosting_operator": companies.get(data.hosting_operator), "model_licence": data.model_licence.strip(),
        "summary": data.summary.strip(), "regions": regions,
    }


def _unique_key(organisation: Organisation, name: str) -> str:
    max_length = Offering._meta.get_field("key").max_length
    base = slugify(f"{organisation.slug}-{name}")[:max_length - 4].strip("-") or organisation.slug
    key, n = base, 2
    while Offering.objects.filter(key=key).exists():
        key, n = f"{base}-{n}", n + 1
    return key


@transaction.atomic
def private_offering_create(*, organisation: Organisation, actor, data: PrivateOfferingData) -> Offering:
    values = _clean_offering(data)
    regions = values.pop("regions")
    offering = Offering(key=_unique_key(organisation, values["name"]), organisation=organisation, **values)
    offering._history_user = actor
    offering._change_reason = f"private offering added by {organisation.name}"
    offering.save()
    offering.processing_regions.set(regions)
    _conform_answers(offering, actor)
    return offering


@transaction.atomic
def private_offering_update(*, offering: Offering, actor, data: PrivateOfferingData) -> Offering:
    _ensure_private(offering)
    values = _clean_offering(data)
    regions = values.pop("regions")
    changed = [name for name, value in values.items() if getattr(offering, name) != value]
    offering._history_user = actor
    if changed:
        for name in changed:
            setattr(offering, name, values[name])
        offering.save(update_fields=changed)
    if sorted(offering.processing_regions.values_list("code", flat=True)) != regions:
        offering.processing_regions.set(regions)
    _conform_answers(offering, actor)
    return offering


def _ensure_private(offering: Offering) -> None:
    if offering.organisation_id is None:
        raise ValueError("The shared catalog is edited through the catalog admin, not by organisations.")


def _conform_answers(offering: Offering, actor) -> None:
    """Give every answerable criterion an answer, buyer-controlled exactly where the buyer's hosting decides.

    A change of hosting can flip that: a buyer-controlled answer of an offering that now has an operator goes back to
    unknown, and a criterion the buyer now decides becomes buyer-controlled.
    """
    checklist = current_checklist()
    answers = {a.criterion_id: a for a in offering.answers.all()}
    organisation = offering.organisation
    for criterion in answerable_criteria(checklist):
        answer = answers.get(criterion.pk) or Answer(offering=offering, criterion=criterion, status=Answer.UNKNOWN,
                                                      rationale=not_assessed(organisation))
        required = buyer_controlled_required(criterion, offering)
        if required and answer.status != Answer.BUYER_CONTROLLED:
            answer.status, answer.level = Answer.BUYER_CONTROLLED, None
            answer.rationale = f"Decided by {organisation.name}'s own hosting."
        elif not required and answer.status == Answer.BUYER_CONTROLLED:
            answer.status, answer.level, answer.rationale = Answer.UNKNOWN, None, not_assessed(organisation)
        elif answer.pk is not None:
            continue
        answer._history_user = actor
        answer.save()


# --- the answers ----------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class AnswerRow:
    """One row of the answers page as submitted: status is "0"–"4", "unknown" or "buyer_controlled"."""

    criterion: str
    status: str = Answer.UNKNOWN
    rationale: str = ""
    url: str = ""
    title: str = ""
    source_date: str = ""
    accessed: str = ""
    confidence: str = Confidence.CONFIRMED.value


@dataclasses.dataclass(frozen=True)
class RowError:
    criterion: str
    field: str  # status | rationale | url | title | source_date | accessed | confidence
    message: str


@dataclasses.dataclass(frozen=True)
class _Source:
    url: str
    title: str
    source_date: dt.date | None
    accessed: dt.date
    confidence: str


@dataclasses.dataclass(frozen=True)
class _Target:
    criterion: Criterion
    status: str
    level: int | None
    rationale: str
    source: _Source | None


def answer_rows_of(offering: Offering, criteria: Sequence[Criterion]) -> list[AnswerRow]:
    """The saved answers as rows, for showing the form: the first source of each, accessed today by default."""
    answers = {a.criterion_id: a for a in offering.answers.all()}
    ct = ContentType.objects.get_for_model(Answer)
    sources: dict[int, Evidence] = {}
    for e in Evidence.objects.filter(content_type=ct, object_id__in=[a.pk for a in answers.values()]):
        sources.setdefault(e.object_id, e)
    today = timezone.localdate().isoformat()
    rows = []
    for criterion in criteria:
        answer = answers.get(criterion.pk)
        if answer is None:
            rows.append(AnswerRow(criterion=criterion.key, accessed=today,
                                  rationale=not_assessed(offering.organisation)))
            continue
        e = sources.get(answer.pk)
        rows.append(AnswerRow(
            criterion=criterion.key, status=str(answer.level) if answer.status == Answer.LEVEL else answer.status,
            rationale=answer.rationale, url=e.url if e else "", title=e.title if e else "",
            source_date=e.source_date.isoformat() if e and e.source_date else "",
            accessed=e.accessed.isoformat() if e else today,
            confidence=e.confidence if e else Confidence.CONFIRMED.value))
    return rows


def _date(value: str, field: str, key: str, errors: list[RowError], today: dt.date) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        errors.append(RowError(key, field, "Give the date as YYYY-MM-DD."))
        return None
    if day > today:
        errors.append(RowError(key, field, "This date is in the future."))
    return day


def _clean_row(row: AnswerRow, criterion: Criterion, offering: Offering, today: dt.date,
               errors: list[RowError]) -> _Target | None:
    key, found = criterion.key, len(errors)
    status, level = row.status.strip(), None
    if status in {str(i) for i in range(5)}:
        status, level = Answer.LEVEL, int(status)
    required = buyer_controlled_required(criterion, offering)
    if status not in (Answer.LEVEL, Answer.UNKNOWN, Answer.BUYER_CONTROLLED):
        errors.append(RowError(key, "status", "Choose a level 0–4 or unknown."))
    elif required and status != Answer.BUYER_CONTROLLED:
        errors.append(RowError(key, "status", f"{key} is decided by your own hosting: it is buyer-controlled."))
    elif status == Answer.BUYER_CONTROLLED and not required:
        errors.append(RowError(key, "status", "Only criteria decided by your own hosting, of an offering you host "
                                              "yourself, can be buyer-controlled."))
    rationale = row.rationale.strip()
    if len(rationale) > 4000:
        errors.append(RowError(key, "rationale", "Keep the rationale under 4000 characters."))
    if status == Answer.UNKNOWN and not rationale:
        rationale = not_assessed(offering.organisation)
    source = None
    url = row.url.strip()
    if not url:
        if status == Answer.LEVEL:
            errors.append(RowError(key, "url", LEVEL_NEEDS_SOURCE))
    else:
        try:
            _URL(url)
        except ValidationError:
            errors.append(RowError(key, "url", "Give the source's full address, starting with https://."))
        if len(url) > Evidence._meta.get_field("url").max_length:
            errors.append(RowError(key, "url", "This address is too long (500 characters at most)."))
        title = row.title.strip()
        if len(title) > Evidence._meta.get_field("title").max_length:
            errors.append(RowError(key, "title", "Keep the title under 300 characters."))
        source_date = _date(row.source_date, "source_date", key, errors, today) if row.source_date.strip() else None
        accessed = _date(row.accessed, "accessed", key, errors, today) if row.accessed.strip() else today
        if row.confidence not in {c.value for c in Confidence}:
            errors.append(RowError(key, "confidence", "Choose how sure the source is."))
        if len(errors) == found:
            source = _Source(url, title, source_date, accessed, row.confidence)
    if len(errors) > found:
        return None
    return _Target(criterion, status, level, rationale, source)


def private_answers_save(*, offering: Offering, actor, rows: Sequence[AnswerRow]) -> list[RowError]:
    """Validate every row, then save all of them in one transaction; any error saves nothing and is returned.

    Rows name criteria of the current checklist by key; derived criteria cannot be answered. Each row manages the
    answer's first source (further sources, if a catalog editor added any, are kept).
    """
    _ensure_private(offering)
    criteria = {c.key: c for c in answerable_criteria(current_checklist())}
    today = timezone.localdate()
    errors: list[RowError] = []
    targets = []
    for row in rows:
        criterion = criteria.get(row.criterion)
        if criterion is None:
            errors.append(RowError(row.criterion, "status", f"{row.criterion} is not a criterion you answer here."))
            continue
        target = _clean_row(row, criterion, offering, today, errors)
        if target is not None:
            targets.append(target)
    if errors:
        return errors
    with transaction.atomic():
        answers = {a.criterion_id: a for a in Answer.objects.select_for_update().filter(offering=offering)}
        for target in targets:
            _write(offering, answers.get(target.criterion.pk), target, actor)
    return []


def _write(offering: Offering, answer: Answer | None, target: _Target, actor) -> None:
    """Save what changed only, so the history shows real changes."""
    if answer is None:
        answer = Answer(offering=offering, criterion=target.criterion)
    values = {"status": target.status, "level": target.level, "rationale": target.rationale}
    answer._history_user = actor
    if answer.pk is None or any(getattr(answer, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(answer, name, value)
        answer.save()
    first = answer.evidence.order_by("position", "pk").first()
    if target.source is None:
        if first is not None:
            first._history_user = actor
            first.delete()
        return
    source = dataclasses.asdict(target.source)
    if first is None:
        first = Evidence(subject=answer, position=0)
    elif all(getattr(first, name) == value for name, value in source.items()):
        return
    for name, value in source.items():
        setattr(first, name, value)
    first._history_user = actor
    first.save()
