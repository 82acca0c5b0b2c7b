from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "masterly.roster"
    label = "roster"
    verbose_name = "Rosters"
