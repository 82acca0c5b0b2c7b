"""The site's routes plus stand-ins for the pages the Mastery View links to but other parts
of the portals build (online taking, reports, notes): the links appear once routes exist."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site


def _stand_in(request: object, **ids: int) -> HttpResponse:
    return HttpResponse("stand-in")


urlpatterns = [
    path("take/assignments/<int:assignment_id>/", _stand_in),
    path("student/trackers/<int:tracker_id>/reports/", _stand_in),
    path("family/<int:student_id>/trackers/<int:tracker_id>/reports/", _stand_in),
    path("family/<int:student_id>/trackers/<int:tracker_id>/notes/", _stand_in),
    *site,
]
