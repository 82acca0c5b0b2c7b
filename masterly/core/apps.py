from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "masterly.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from masterly.core.checks import sqlite_version_check

        checks.register(sqlite_version_check)
