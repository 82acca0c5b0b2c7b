from django.urls import path

from masterly.integrations.qti import views

urlpatterns = [
    path("import/", views.import_package, name="qti_import"),
    path("import/<int:upload_id>/confirm/", views.confirm_import, name="qti_import_confirm"),
    path("export/items.zip", views.export_bank, name="qti_export_bank"),
    path(
        "export/assessments/<int:assessment_id>.zip",
        views.export_assessment_package,
        name="qti_export_assessment",
    ),
]
