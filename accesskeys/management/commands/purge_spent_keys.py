from django.core.management.base import BaseCommand

from accesskeys.tokens import spent_keys_purge


class Command(BaseCommand):
    help = "Delete the records of used single-use links that have expired anyway (run daily)."

    def handle(self, *args, **options):
        count = spent_keys_purge()
        self.stdout.write(f"Deleted {count} expired spent-link records.")
