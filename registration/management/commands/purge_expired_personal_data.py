from datetime import date

from django.core.management.base import BaseCommand

from registration.services import personal_data_purge_expired, unconfirmed_forms_purge


class Command(BaseCommand):
    help = (
        "Anonymise vendors whose registrations all belong to seminars past their retention "
        "period (last day + personal_data_retention_days), and unconfirmed registration forms "
        "whose link has expired. Run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, help="Pretend today is YYYY-MM-DD.")

    def handle(self, *args, today: date | None = None, **options):
        count = personal_data_purge_expired(today=today)
        self.stdout.write(f"Anonymised {count} vendor(s).")
        forms = unconfirmed_forms_purge()
        self.stdout.write(f"Deleted {forms} expired emailed-link record(s) and their forms.")
