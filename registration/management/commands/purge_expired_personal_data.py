from datetime import date

from django.core.management.base import BaseCommand

from registration.services import personal_data_purge_expired


class Command(BaseCommand):
    help = (
        "Anonymise vendors whose registrations all belong to seminars past their retention "
        "period (last day + personal_data_retention_days). Run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, help="Pretend today is YYYY-MM-DD.")

    def handle(self, *args, today: date | None = None, **options):
        count = personal_data_purge_expired(today=today)
        self.stdout.write(f"Anonymised {count} vendor(s).")
