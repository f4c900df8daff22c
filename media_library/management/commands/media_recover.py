from django.core.management.base import BaseCommand

from media_library.services import processing


class Command(BaseCommand):
    help = (
        "Mark media processing jobs whose worker died (lease expired) as failed, so that "
        "they can be retried. Safe to run at every worker start."
    )

    def handle(self, *args, **options):
        count = processing.asset_recover_abandoned()
        self.stdout.write(f"{count} abandoned job(s) marked retryable.")
