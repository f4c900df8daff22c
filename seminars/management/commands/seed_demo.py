from importlib import import_module, util

from django.core.management.base import BaseCommand
from django.db import transaction

from seminars.models import Seminar

# Each app that has demo data keeps it in <app>/demo.py with seed(context: dict) -> None.
# They run in this order; each adds what it owns to the shared context.
DEMO_APPS = ["seminars", "live", "registration", "meetings", "media_library"]


class Command(BaseCommand):
    help = (
        "Load the demo seminar ('demo'), its agencies, sessions, demo accounts "
        "(organizer, agency, moderator, vendor; password 'demo') and demo vendors."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has a seminar.",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        if if_empty and Seminar.objects.exists():
            self.stdout.write("Seminars exist already; demo not loaded.")
            return
        if Seminar.objects.filter(slug="demo").exists():
            self.stdout.write("The demo seminar exists already; nothing to do.")
            return
        context: dict = {"stdout": self.stdout}
        with transaction.atomic():
            for app in DEMO_APPS:
                if util.find_spec(f"{app}.demo") is not None:
                    import_module(f"{app}.demo").seed(context)
        self.stdout.write(self.style.SUCCESS("Demo loaded: /seminars/demo/"))
