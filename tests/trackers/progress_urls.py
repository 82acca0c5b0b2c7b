"""The site's URLs plus the trackers' own, until config/urls.py includes them."""

from django.urls import include, path

from config.urls import urlpatterns as site

urlpatterns = [path("trackers/", include("masterly.trackers.urls")), *site]
