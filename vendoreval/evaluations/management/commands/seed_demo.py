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
        if not Evaluation.objects.filter(organisation=organisation, name=SAMPLE_EVALUATION).exists():
            context = evaluation_context(checklist)
            evaluation = evaluation_create(organisation=organisation, name=SAMPLE_EVALUATION, actor=user,
                                           context=context)
            answers = [
                ("sector", ["defence"]), ("classification", ["restricted"]),
                ("use_cases", ["Engineering assistant over design documents and test reports; drafting export-control "
                               "classifications."]),
            ]
            for field, values in answers:
                evaluation_set_field(evaluation=evaluation, field=field, values=values, actor=user, context=context)
        self.stdout.write(f"Demo login: {DEMO_USERNAME} / {DEMO_PASSWORD} (organisation “{organisation.name}”)")
