from django.apps import AppConfig


class CaseConfig(AppConfig):
    name = "masterly.integrations.case"
    label = "case"
    verbose_name = "CASE"

    def ready(self) -> None:
        from masterly.core.worker.dead_runs import register_dead_run_sweeper
        from masterly.integrations.case.services import case_runs_fail_dead

        register_dead_run_sweeper(case_runs_fail_dead)
