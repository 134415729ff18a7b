from django.apps import AppConfig


class ValuestreamConfig(AppConfig):
    name = "valuestream"
    verbose_name = "Value stream"
