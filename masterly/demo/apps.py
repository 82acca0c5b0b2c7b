from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "masterly.demo"
    label = "demo"
    verbose_name = "Demo district"
