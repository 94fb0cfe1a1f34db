"""The registry's JSON API: /api/v1/libraries (read: public; write: authorised)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth
from pydantic import StringConstraints

from thuvien.accounts.tokens import TokenAuth
from thuvien.registry.choices import LibraryType, Ownership, PublicLevel, Service
from thuvien.registry.models import Library
from thuvien.registry.selectors import DirectoryFilters, search_directory
from thuvien.registry.services import LibraryDataError, create_library, update_library

router = Router(tags=["libraries"])
WRITE_AUTH = [TokenAuth(), django_auth]


class UnitOut(Schema):
    code: str
    name: str
    scheme: str


class AliasOut(Schema):
    scheme: str
    value: str


class LibraryOut(Schema):
    id: str = Field(..., alias="vn_id")
    name: str
    name_en: str
    short_name: str
    library_type: str
    level: str
    ownership: str
    status: str
    is_key_public_library: bool
    founding_body: str
    managing_body: str
    parent: str | None = None
    founding_decision_number: str
    founding_decision_date: datetime.date | None
    country: str
    region: str
    province: UnitOut | None
    commune: UnitOut | None
    street_address: str
    old_address: str
    latitude: Decimal | None
    longitude: Decimal | None
    phone: str
    email: str
    website: str
    opening_hours: str
    services: list[str]
    collection_size: int | None
    staff_count: int | None
    floor_area_m2: Decimal | None
    seats: int | None
    ils_name: str
    oai_endpoint: str
    sru_endpoint: str
    z3950_endpoint: str
    aliases: list[AliasOut]
    updated_at: datetime.datetime

    @staticmethod
    def resolve_parent(obj: Library) -> str | None:
        return obj.parent.vn_id if obj.parent_id else None

    @staticmethod
    def resolve_aliases(obj: Library) -> list[dict]:
        return [{"scheme": a.scheme, "value": a.value} for a in obj.aliases.all()]


class HitOut(Schema):
    id: str
    name: str
    library_type: str
    status: str
    province: str
    province_name: str
    commune_name: str
    address: str
    latitude: float | None = None
    longitude: float | None = None
    highlight: str | None = None


class FacetValue(Schema):
    value: str
    count: int


class SearchOut(Schema):
    total: int
    offset: int
    limit: int
    hits: list[HitOut]
    facets: dict[str, list[FacetValue]]


LibraryTypeCode = Literal[tuple(LibraryType.values)]
LevelCode = Literal[("", *PublicLevel.values)]
OwnershipCode = Literal[tuple(Ownership.values)]
ServiceCode = Literal[tuple(Service.values)]
Text = Annotated[str, StringConstraints(max_length=255)]


class LibraryIn(Schema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    library_type: LibraryTypeCode
    name_en: Text = ""
    short_name: Annotated[str, StringConstraints(max_length=64)] = ""
    level: LevelCode = ""
    ownership: OwnershipCode = "public"
    country: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")] = "VN"
    region: Text = ""
    province_code: str | None = Field(None, description="Mã tỉnh 2025; bắt buộc ở Việt Nam")
    commune_code: str | None = None
    street_address: Text = ""
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    phone: Annotated[str, StringConstraints(max_length=64)] = ""
    email: Text = ""
    website: Annotated[str, StringConstraints(max_length=500)] = ""
    opening_hours: str = ""
    services: list[ServiceCode] = []
    collection_size: int | None = Field(None, ge=0, le=2_000_000_000)
    staff_count: int | None = Field(None, ge=0, le=2_000_000_000)
    floor_area_m2: float | None = Field(None, ge=0, le=1e8)
    seats: int | None = Field(None, ge=0, le=2_000_000_000)
    founding_body: Text = ""
    managing_body: Text = ""


class LibraryPatch(Schema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=255)] | None = None
    name_en: Text | None = None
    short_name: Annotated[str, StringConstraints(max_length=64)] | None = None
    street_address: Text | None = None
    phone: Annotated[str, StringConstraints(max_length=64)] | None = None
    email: Text | None = None
    website: Annotated[str, StringConstraints(max_length=500)] | None = None
    opening_hours: str | None = None
    services: list[ServiceCode] | None = None
    collection_size: int | None = Field(None, ge=0, le=2_000_000_000)
    staff_count: int | None = Field(None, ge=0, le=2_000_000_000)
    floor_area_m2: float | None = Field(None, ge=0, le=1e8)
    seats: int | None = Field(None, ge=0, le=2_000_000_000)
    ils_name: Annotated[str, StringConstraints(max_length=120)] | None = None
    oai_endpoint: Annotated[str, StringConstraints(max_length=500)] | None = None
    sru_endpoint: Annotated[str, StringConstraints(max_length=500)] | None = None
    z3950_endpoint: Text | None = None


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


@router.get(
    "", response={200: SearchOut, 422: ErrorOut}, summary="Tìm thư viện / search the directory"
)
def search(request, filters: Query[DirectoryFilters]):
    result = search_directory(filters)
    # Built here in the shape of SearchOut and sent as is: validating hundreds of facet
    # values per request through the response schema doubled the latency.
    return JsonResponse(
        {
            "total": result.total,
            "offset": filters.offset,
            "limit": filters.limit,
            "hits": [_hit(h) for h in result.hits],
            "facets": {
                k: [{"value": v, "count": n} for v, n in values]
                for k, values in result.facets.items()
            },
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _hit(hit) -> dict:
    doc = hit.document
    return {
        "id": hit.id,
        "name": doc.get("name", ""),
        "library_type": doc.get("library_type", ""),
        "status": doc.get("status", ""),
        "province": doc.get("province", ""),
        "province_name": doc.get("province_name", ""),
        "commune_name": doc.get("commune_name", ""),
        "address": doc.get("display_address", ""),
        "latitude": doc.get("latitude"),
        "longitude": doc.get("longitude"),
        "highlight": hit.highlights.get("name"),
    }


def _get(vn_id: str) -> Library:
    return get_object_or_404(
        Library.objects.select_related("province", "commune", "parent").prefetch_related("aliases"),
        vn_id=vn_id.upper(),
    )


@router.get(
    "/{vn_id}", response={200: LibraryOut, 404: ErrorOut}, summary="Một thư viện / one library"
)
def detail(request, vn_id: str):
    return _get(vn_id)


def _units(payload: LibraryIn) -> dict:
    from thuvien.geo.models import AdminUnit, Level, Scheme

    data = {}
    for key, level in (("province", Level.PROVINCE), ("commune", Level.COMMUNE)):
        code = getattr(payload, f"{key}_code")
        if code:
            unit = AdminUnit.objects.filter(scheme=Scheme.V2025, level=level, code=code).first()
            if unit is None:
                raise HttpError(422, f"Không có mã {key} {code} (2025) / no 2025 {key} code {code}")
            data[key] = unit.pk
    return data


def _call(func, *args):
    try:
        return func(*args)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except LibraryDataError as exc:
        return Status(422, {"detail": "Dữ liệu không hợp lệ / invalid data", "errors": exc.errors})


@router.post(
    "",
    auth=WRITE_AUTH,
    response={201: LibraryOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Đăng ký thư viện / register a library",
)
def create(request, payload: LibraryIn):
    data = payload.dict(exclude={"province_code", "commune_code"})
    data.update(_units(payload))
    result = _call(create_library, request.user, data)
    if isinstance(result, Status):
        return result
    return Status(201, _get(result.vn_id))


@router.patch(
    "/{vn_id}",
    auth=WRITE_AUTH,
    response={
        200: LibraryOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
    },
    summary="Cập nhật thư viện / update a library",
)
def patch(request, vn_id: str, payload: LibraryPatch):
    library = _get(vn_id)
    changes = payload.dict(exclude_unset=True)
    result = _call(update_library, request.user, library, changes)
    if isinstance(result, Status):
        return result
    return _get(vn_id)
