"""The demo collection `make run` loads: real Vietnamese pages through the batch path."""

import pytest

from tests import factories
from thuvien.digital.models import DigitalObject
from thuvien.registry.models import LibraryAlias

pytestmark = pytest.mark.django_db


def test_demo_collection_is_published_once(digital_dirs):
    from thuvien.digital.services.demo import load_demo_digital

    library = factories.library("Thư viện Hà Nội")
    LibraryAlias.objects.create(library=library, scheme="demo", value="pl-ha-noi")
    assert load_demo_digital() == {"objects": 2, "published": 2}
    assert DigitalObject.objects.filter(access="restricted").count() == 1
    assert all(o.ocr_done for o in DigitalObject.objects.all())
    assert load_demo_digital() == {"objects": 2}  # a second run adds nothing
