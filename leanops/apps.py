from django.apps import AppConfig


class LeanopsConfig(AppConfig):
    name = "leanops"
    verbose_name = "Operations"
