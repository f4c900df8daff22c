"""Background jobs on the DB-backed worker (queue "media"): thin wrappers around services."""

from django.tasks import task

from media_library.services import processing


@task(queue_name="media")
def asset_process_task(asset_id: int) -> None:
    processing.asset_process(asset_id=asset_id)


@task(queue_name="media")
def recover_abandoned_task() -> int:
    return processing.asset_recover_abandoned()
