from django.urls import path

from masterly.portals import views

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("role/", views.switch_role, name="switch_role"),
]
