from django.core.management.base import BaseCommand, CommandError

from media_library.models import MediaAsset
from media_library.services import processing


class Command(BaseCommand):
    help = "Process one queued (or abandoned) video now, in this process."

    def add_arguments(self, parser):
        parser.add_argument("asset_id", type=int)

    def handle(self, *args, asset_id: int, **options):
        asset = processing.asset_process(asset_id=asset_id)
        if asset is None:
            raise CommandError(f"Asset {asset_id} is not queued (or another worker holds it).")
        if asset.status != MediaAsset.Status.READY:
            raise CommandError(f"Asset {asset_id} failed: {asset.failure_reason}")
        self.stdout.write(f"Asset {asset_id} is ready.")
