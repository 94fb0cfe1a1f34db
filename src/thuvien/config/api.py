"""The JSON API under /api/v1 (django-ninja); each app contributes a router."""

from ninja import NinjaAPI
from ninja.errors import ValidationError

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


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    """Invalid input answers 422 in the same shape as every other error of the API."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ()))
        errors.setdefault(where or "request", []).append(str(error.get("msg", "")))
    return api.create_response(
        request,
        {"detail": "Dữ liệu không hợp lệ / invalid input", "errors": errors},
        status=422,
    )


def _register_routers() -> None:
    from thuvien.registry.api import router as registry_router

    api.add_router("/libraries", registry_router)
    from thuvien.catalog.api import router as catalog_router

    api.add_router("/catalog", catalog_router)
    from thuvien.digital.api import router as digital_router

    api.add_router("/digital", digital_router)


_register_routers()
