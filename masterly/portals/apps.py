from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalsConfig(AppConfig):
    name = "masterly.portals"
    label = "portals"
    verbose_name = "Portals"


class MasterlyAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with Masterly's site: open to district admins, not to ``is_staff``.

    Listed in ``INSTALLED_APPS`` instead of ``django.contrib.admin``. It lives here (not in
    ``admin_site``) because app configs are imported before models are ready.
    """

    default = False  # "masterly.portals" alone still means PortalsConfig
    default_site = "masterly.portals.admin_site.MasterlyAdminSite"
