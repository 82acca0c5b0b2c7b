from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "masterly.reports"

    def ready(self) -> None:
        from masterly.core.worker.dead_runs import register_dead_run_sweeper
        from masterly.reports.retention import report_files_sweep

        # The worker's periodic sweep also deletes term report and letter zips past
        # REPORT_FILES_DAYS.
        register_dead_run_sweeper(report_files_sweep)
