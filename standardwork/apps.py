from django.apps import AppConfig


class StandardworkConfig(AppConfig):
    name = "standardwork"
    verbose_name = "Standard work"

    def ready(self) -> None:
        # Register the Celery tasks in every process (services queue them by name).
        from standardwork import tasks  # noqa: F401
