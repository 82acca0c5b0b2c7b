from django.urls import path

from masterly.portals.activation import views

urlpatterns = [
    path("activate/", views.activate, name="activate"),
    path("activate/sign-in/", views.activate_choose, name="activate_choose"),
    path("activate/email/<str:token>/", views.activate_from_email, name="activate_email"),
]
