from django.conf import settings

import thuvien
from thuvien.accounts.permissions import Action, has_any_scope


def site(request):
    """Version and the menu entries the current user may see."""
    user = getattr(request, "user", None)
    return {
        "THUVIEN_VERSION": thuvien.__version__,
        "DEBUG": settings.DEBUG,
        "can_import": has_any_scope(user, Action.REGISTRY_IMPORT),
        "can_see_notifications": has_any_scope(user, Action.REGISTRY_VIEW_NOTIFICATIONS),
        "can_create_library": has_any_scope(user, Action.REGISTRY_CREATE),
        "can_ingest": has_any_scope(user, Action.CATALOG_INGEST),
        "can_see_stats": has_any_scope(user, Action.STATS_VIEW_REPORT),
        "can_digitise": has_any_scope(user, Action.DIGITAL_INGEST),
        "can_preserve": has_any_scope(user, Action.DIGITAL_PRESERVE),
    }
