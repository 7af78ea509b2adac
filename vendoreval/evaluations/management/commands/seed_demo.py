from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from vendoreval.accounts.models import Membership, Organisation, Role
from vendoreval.accounts.services import catalog_editors_group, organisation_create
from vendoreval.checklist.selectors import current_checklist
from vendoreval.evaluations.context import evaluation_context
from vendoreval.evaluations.models import Evaluation
from vendoreval.evaluations.services import evaluation_create, evaluation_set_field

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "vendoreval-demo"  # noqa: S105 - printed to the terminal; only ever created with DEBUG on
DEMO_ORGANISATION = "Demo Aerospace GmbH"
SAMPLE_EVALUATION = "Engineering assistant for restricted design data"
HOSPITAL_EVALUATION = "Clinical letters assistant (hospital)"

# Own hosting as the demo organisation's security officer describes its data centre: a trusted operator without a
# sovereign qualification (D3 3), ISO 27001 only (H1 2), no ISO/IEC 42001 (H2 0), no energy figures (I1 0).
OWN_DATA_CENTRE = {"B3": 4, "C1": 4, "C2": 4, "C3": 4, "C4": 4, "C5": 4, "C6": 2, "D3": 3, "E4": 4, "E5": 2,
                   "G1": 4, "G2": 4, "H1": 2, "H2": 0, "H3": 4, "H4": 3, "I1": 0}
OWN_HOSTING = [(f"own_hosting:{key}", [str(level)]) for key, level in OWN_DATA_CENTRE.items()]

# Two evaluations a visitor can open at once: the defence buyer (restricted data; only self-hosted offerings with a
# licence that permits military use pass) and a hospital (health data under GDPR art. 9, a minimum SEAL on data
# sovereignty, so that the difference between an assured and an attainable SEAL shows).
SAMPLES = {
    SAMPLE_EVALUATION: [
        ("sector", ["defence"]), ("classification", ["restricted"]),
        ("use_cases", ["Engineering assistant over design documents and test reports; drafting export-control "
                       "classifications."]),
        *OWN_HOSTING,
    ],
    HOSPITAL_EVALUATION: [
        ("sector", ["health"]), ("classification", ["confidential"]), ("regulations", ["health-data"]),
        ("use_cases", ["Drafting discharge letters and summarising clinical notes for physicians."]),
        ("seal:SOV-3", ["2"]),
        *OWN_HOSTING,
    ],
}


class Command(BaseCommand):
    help = "Local default only: create the demo login, organisation and a sample evaluation (refused with DEBUG off)."

    def handle(self, *args, **options):
        if not settings.VENDOREVAL_DEMO_ACCOUNT:
            raise CommandError("The demo account exists only in the local default (DEBUG=1); refusing to create it.")
        with transaction.atomic():
            self._seed()

    def _seed(self) -> None:
        checklist = current_checklist()
        if checklist is None:
            raise CommandError("Load the catalog first: python manage.py load_catalog")
        User = get_user_model()
        user, created = User.objects.get_or_create(username=DEMO_USERNAME, defaults={"is_staff": True})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(catalog_editors_group())
        organisation = Organisation.objects.filter(name=DEMO_ORGANISATION).first()
        if organisation is None:
            organisation = organisation_create(name=DEMO_ORGANISATION, owner=user)
        Membership.objects.get_or_create(organisation=organisation, user=user, defaults={"role": Role.OWNER})
        context = evaluation_context(checklist)
        for name, answers in SAMPLES.items():
            if Evaluation.objects.filter(organisation=organisation, name=name).exists():
                continue
            evaluation = evaluation_create(organisation=organisation, name=name, actor=user, context=context)
            for field, values in [*answers, ("trusted_countries", list(context.default_trusted))]:
                evaluation_set_field(evaluation=evaluation, field=field, values=values, actor=user, context=context)
        self.stdout.write(f"Demo login: {DEMO_USERNAME} / {DEMO_PASSWORD} (organisation “{organisation.name}”)")
