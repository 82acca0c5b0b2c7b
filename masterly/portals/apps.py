from django.apps import AppConfig


class PortalsConfig(AppConfig):
    name = "masterly.portals"
    label = "portals"
    verbose_name = "Portals"
