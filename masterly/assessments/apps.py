from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "masterly.assessments"
    label = "assessments"
    verbose_name = "Assessments and evidence"
