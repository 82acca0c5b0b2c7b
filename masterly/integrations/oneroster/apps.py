from django.apps import AppConfig


class OneRosterConfig(AppConfig):
    name = "masterly.integrations.oneroster"
    label = "oneroster"
    verbose_name = "OneRoster"

    def ready(self) -> None:
        from masterly.core.worker.dead_runs import register_dead_run_sweeper
        from masterly.integrations.oneroster.dead_runs import (
            import_runs_fail_dead,
            staging_sweep_left,
        )

        register_dead_run_sweeper(import_runs_fail_dead)
        register_dead_run_sweeper(staging_sweep_left)
