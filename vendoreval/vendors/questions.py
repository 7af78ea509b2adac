"""Every answer a vendor gives, as one small typed question: how it is read from a post, cleaned, shown and stored.

Per asked criterion there are four: `level:<key>`, `rationale:<key>`, `sources:<key>` (public pages, one per line)
and `document:<key>` (an optional PDF). The vendor's page, the htmx autosave and the no-JavaScript post all go through
these objects (like the questionnaire's `evaluations/questions.py`); `services.vendor_proposal_answer` stores what
they cleaned, with an audit row."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vendoreval.checklist.models import Criterion
from vendoreval.fields import Field, FieldError, clean_text, level_choices, parse_level

from . import documents, rules
from .models import VendorProposal

REMOVE = "remove"


class ProposalQuestion:
    part: ClassVar[str]
    kind: ClassVar[str]
    label: ClassVar[str]
    help: ClassVar[str] = ""

    def __init__(self, criterion: Criterion):
        self.criterion = criterion
        self.name = f"{self.part}:{criterion.key}"

    def posted(self, data, files) -> bool:
        return self.name in data

    def raw(self, data, files) -> Any:
        return data.get(self.name, "")

    def clean(self, raw: Any) -> Any:
        raise NotImplementedError

    def changes(self, value: Any) -> dict[str, Any]:
        raise NotImplementedError

    def current(self, proposal: VendorProposal | None) -> Any:
        raise NotImplementedError

    def choices(self) -> list[tuple[str, str]]:
        return []

    def field(self, proposal: VendorProposal | None, *, error: str = "", submitted: Any = None) -> Field:
        value = submitted if error and submitted is not None and not hasattr(submitted, "read") else None
        field = Field(self.name, self.label, self.kind, self.current(proposal) if value is None else value,
                      self.choices(), self.help, error=error, max_length=getattr(self, "max_length", None),
                      extra={"criterion": self.criterion.key})
        return field


class LevelQuestion(ProposalQuestion):
    part, kind, label = "level", "level", gettext_lazy("Your level")

    def clean(self, raw):
        level = parse_level(self.name, raw, allow_blank=True)
        if level is not None and str(level) not in self.criterion.levels:
            ladder = ", ".join(sorted(self.criterion.levels, reverse=True))
            raise FieldError(self.name, _("%(criterion)s has no level %(level)d; its ladder has %(ladder)s.") % {
                "criterion": self.criterion.key, "level": level, "ladder": ladder})
        return level

    def changes(self, value):
        return {"level": value}

    def current(self, proposal):
        return "" if proposal is None or proposal.level is None else str(proposal.level)

    def choices(self):
        """The criterion's ladder, strongest first (a ladder may skip levels: 4, 2, 0)."""
        blank = _("— choose the level that fits —")
        return [(value, label) for value, label in level_choices(self.criterion, blank=blank)
                if not value or value in self.criterion.levels]


class RationaleQuestion(ProposalQuestion):
    part, kind, label = "rationale", "textarea", gettext_lazy("Why this level")
    help = gettext_lazy("What your offering does, in a few sentences; say where the pages below show it.")
    max_length = rules.RATIONALE_MAX

    def clean(self, raw):
        return clean_text(self.name, raw, max_length=self.max_length)

    def changes(self, value):
        return {"rationale": value}

    def current(self, proposal):
        return proposal.rationale if proposal else ""


class SourcesQuestion(ProposalQuestion):
    part, kind, label = "sources", "sources", gettext_lazy("Public pages that show it")
    help = format_lazy(gettext_lazy("One address per line, up to {max}: the specific pages (documentation, terms, "
                             "certificates), not a home page. At least one is needed."), max=rules.MAX_SOURCES)
    max_length = rules.MAX_SOURCES * (rules.SOURCE_MAX_LENGTH + 1)

    def clean(self, raw):
        text = clean_text(self.name, raw, max_length=self.max_length)
        urls = list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))
        if len(urls) > rules.MAX_SOURCES:
            raise FieldError(self.name, _("Give at most %(max)d pages (there are %(count)d).") % {
                "max": rules.MAX_SOURCES, "count": len(urls)})
        problems = [p for p in (rules.source_problem(u) for u in urls) if p]
        if problems:
            raise FieldError(self.name, " ".join(problems))
        return urls

    def changes(self, value):
        return {"sources": value}

    def current(self, proposal):
        return "\n".join(proposal.sources) if proposal else ""


class DocumentQuestion(ProposalQuestion):
    """An optional PDF: a new file replaces the one before; `document:<key>:remove` removes it."""

    part, kind, label = "document", "document", gettext_lazy("A PDF document (optional)")

    @property
    def help(self):
        limit = settings.VENDOREVAL_VENDOR_UPLOAD_MAX_BYTES / 1024 / 1024
        return _("At most %(limit)s MB. Only catalog editors can open it; it is not published. Prefer a public page "
                 "above where one exists.") % {"limit": floatformat(limit, -1)}

    def posted(self, data, files):
        return self.name in files or data.get(f"{self.name}:remove") == REMOVE

    def raw(self, data, files):
        upload = files.get(self.name)
        return upload if upload is not None else data.get(f"{self.name}:remove", "")

    def clean(self, raw):
        if hasattr(raw, "read"):
            return documents.check_pdf(self.name, raw)
        if raw == REMOVE:
            return REMOVE
        raise FieldError(self.name, _("Choose a PDF file to upload."))

    def changes(self, value):
        return {}

    def current(self, proposal):
        return getattr(proposal, "document", None) if proposal is not None else None


QUESTIONS = (LevelQuestion, RationaleQuestion, SourcesQuestion, DocumentQuestion)


def questions_for(criterion: Criterion) -> list[ProposalQuestion]:
    return [q(criterion) for q in QUESTIONS]


def question(name: str, criteria: dict[str, Criterion]) -> ProposalQuestion | None:
    """The question called `name` among the asked criteria, or None (a tampered or stale name)."""
    part, _, key = name.partition(":")
    criterion = criteria.get(key)
    kinds = {q.part: q for q in QUESTIONS}
    if criterion is None or part not in kinds:
        return None
    return kinds[part](criterion)
