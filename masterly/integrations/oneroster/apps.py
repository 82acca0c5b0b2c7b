from django.apps import AppConfig


class OneRosterConfig(AppConfig):
    name = "masterly.integrations.oneroster"
    label = "oneroster"
    verbose_name = "OneRoster"
