from django.apps import AppConfig


class ValuestreamConfig(AppConfig):
    name = "valuestream"
    verbose_name = "Value stream"

    def ready(self) -> None:
        # Register the Celery tasks in every process (services queue them by name).
        from valuestream import tasks  # noqa: F401
