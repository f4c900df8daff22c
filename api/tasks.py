"""Background tasks of the API app: thin wrappers around services, taking primary keys."""

from django.tasks import task


@task()
def deliver_webhook(delivery_id: int) -> str:
    from api.services.webhooks import webhook_delivery_attempt

    return webhook_delivery_attempt(delivery_id=delivery_id)
