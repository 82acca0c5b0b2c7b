from django.urls import path

from masterly.integrations.case import views

urlpatterns = [
    path("import/", views.import_package, name="case_import"),
    path("runs/<uuid:run_id>/", views.run_detail, name="case_run"),
    path("runs/<uuid:run_id>/progress/", views.run_progress, name="case_run_progress"),
    path("frameworks/<int:framework_id>/package.json", views.export_package, name="case_export"),
]
