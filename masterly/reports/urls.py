"""Printable pages and PDFs: an assessment's test and answer key."""

from django.urls import path

from masterly.reports import assessment_print

urlpatterns = [
    path(
        "assessments/<int:pk>/print/",
        assessment_print.assessment_print,
        {"paper": "test"},
        name="assessment_print",
    ),
    path(
        "assessments/<int:pk>/key/print/",
        assessment_print.assessment_print,
        {"paper": "key"},
        name="assessment_key_print",
    ),
    path(
        "assessments/<int:pk>/test.pdf",
        assessment_print.assessment_pdf,
        {"paper": "test"},
        name="assessment_pdf",
    ),
    path(
        "assessments/<int:pk>/key.pdf",
        assessment_print.assessment_pdf,
        {"paper": "key"},
        name="assessment_key_pdf",
    ),
]
