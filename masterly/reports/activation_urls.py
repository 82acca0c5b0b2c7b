from django.urls import path

from masterly.reports import activation_views as letter_views

urlpatterns = [
    path("activation/letters/", letter_views.letter_schools, name="activation_schools"),
    path(
        "activation/letters/<int:school_id>/",
        letter_views.school_guardians_page,
        name="activation_school",
    ),
    path(
        "activation/letters/<int:school_id>/generate/",
        letter_views.letters_generate,
        name="activation_letters_generate",
    ),
    path(
        "activation/letters/<int:school_id>/guardians/<int:guardian_id>/letter/",
        letter_views.guardian_letter,
        name="activation_guardian_letter",
    ),
    path(
        "activation/letters/<int:school_id>/guardians/<int:guardian_id>/email/",
        letter_views.guardian_email,
        name="activation_guardian_email",
    ),
    path(
        "activation/letters/<int:school_id>/emails/",
        letter_views.school_emails,
        name="activation_emails",
    ),
    path("activation/letters/runs/<str:run_id>/", letter_views.letters_run, name="activation_run"),
    path(
        "activation/letters/runs/<str:run_id>/download/",
        letter_views.letters_download,
        name="activation_run_download",
    ),
]
