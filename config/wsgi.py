"""The web server's entry point (gunicorn config.wsgi in production).

Settings come only from the environment here: unlike the ``masterly`` command, this module
never reads the settings ``make run`` remembered in var/local.env, so production refuses to
start without an explicit SECRET_KEY and never runs in development mode.
"""

import os

from django.core.wsgi import get_wsgi_application

from config.serving import prepare_for_requests

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
try:
    application = get_wsgi_application()
except SystemExit:
    # The settings have said why on stderr. gunicorn restarts a worker that exits, forever,
    # unless its exit code is 4 ("the application failed to load"), which stops the server.
    raise SystemExit(4) from None
prepare_for_requests()
