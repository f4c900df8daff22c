from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: probes, metrics, structured logs and the drain on SIGTERM (issue 12)."""

    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from ops import metrics

        metrics.connect_task_signals()
