from django.apps import AppConfig


class TrackersConfig(AppConfig):
    name = "masterly.trackers"
    label = "trackers"
    verbose_name = "Mastery trackers"
