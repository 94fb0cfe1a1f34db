"""The JSON API under /api/v1 (django-ninja); each app contributes a router."""

from ninja import NinjaAPI

from thuvien import __version__

api = NinjaAPI(
    title="thuvien API",
    version=__version__,
    description=(
        "API của nền tảng chuyển đổi số ngành thư viện Việt Nam / "
        "API of the platform for the digital transformation of Vietnam's library sector."
    ),
    urls_namespace="api",
)


def _register_routers() -> None:
    from thuvien.registry.api import router as registry_router

    api.add_router("/libraries", registry_router)


_register_routers()
