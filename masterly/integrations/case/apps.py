from django.apps import AppConfig


class CaseConfig(AppConfig):
    name = "masterly.integrations.case"
    label = "case"
    verbose_name = "CASE"
