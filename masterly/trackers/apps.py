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

        # Online attempts whose time is up are submitted by the server even with no browser
        # open: a task queued for each deadline, and this sweep every minute as a safety net.
        from masterly.core.worker.dead_runs import register_dead_run_sweeper
        from masterly.trackers.services.taking import overdue_sweep

        register_dead_run_sweeper(overdue_sweep)
