from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "masterly.standards"
    label = "standards"
    verbose_name = "Standards"
