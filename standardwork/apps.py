from django.apps import AppConfig


class StandardworkConfig(AppConfig):
    name = "standardwork"
    verbose_name = "Standard work"
