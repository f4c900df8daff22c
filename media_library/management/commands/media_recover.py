from django.core.management.base import BaseCommand

from media_library.services import processing, uploads


class Command(BaseCommand):
    help = (
        "Mark media processing jobs whose worker died (lease expired) as failed, so that "
        "they can be retried, and abort uploads nobody resumed for a week. Safe to run at "
        "every worker start."
    )

    def handle(self, *args, **options):
        count = processing.asset_recover_abandoned()
        self.stdout.write(f"{count} abandoned job(s) marked retryable.")
        expired = uploads.upload_expire_stale()
        self.stdout.write(f"{expired} stale upload(s) aborted.")
