from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "masterly.core"
    label = "core"
    verbose_name = "Core"
