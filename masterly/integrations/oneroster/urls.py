from django.urls import path

from masterly.integrations.oneroster import views

app_name = "oneroster"
urlpatterns = [
    path("", views.imports, name="imports"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/confirm/", views.run_confirm, name="confirm"),
    path("runs/<int:pk>/discard/", views.run_discard, name="discard"),
    path("programs/", views.programs, name="programs"),
]
