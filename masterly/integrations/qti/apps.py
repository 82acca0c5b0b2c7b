from django.apps import AppConfig


class QtiConfig(AppConfig):
    name = "masterly.integrations.qti"
    label = "qti"
    verbose_name = "QTI"
