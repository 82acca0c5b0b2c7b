from django.apps import AppConfig


class TrackersConfig(AppConfig):
    name = "masterly.trackers"
    label = "trackers"
    verbose_name = "Mastery trackers"

    def ready(self) -> None:
        # A tracker's collaborators see its students, through the one access layer.
        from masterly.roster import access
        from masterly.roster.models import Role
        from masterly.trackers.selectors.collaborators import collaborator_students

        access.add_student_rule(Role.TEACHER, collaborator_students)
