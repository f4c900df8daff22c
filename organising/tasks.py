"""Background tasks of the organiser workspace: thin wrappers that take primary keys."""

from django.tasks import task


@task()
def deliver_change_notices(change_ids: list[int]) -> int:
    from organising.services.notices import change_notices_deliver

    return change_notices_deliver(change_ids=change_ids)


@task()
def deliver_announcement(announcement_id: int) -> int:
    from organising.services.announcements import announcement_deliver

    return announcement_deliver(announcement_id=announcement_id)
