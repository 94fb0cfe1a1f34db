"""Format identification with fido's PRONOM signatures, on real files."""

from __future__ import annotations

import time

import pytest
import pyvips

from thuvien.digital.preservation import formats
from thuvien.digital.preservation.errors import PreservationError
from thuvien.digital.preservation.formats import identify

# A minimal, valid one-page PDF 1.4 (cross-reference table offsets computed below).
_OBJECTS = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>",
]
JPEG_PUIDS = {"fmt/41", "fmt/42", "fmt/43", "fmt/44", "x-fmt/390", "x-fmt/391", "fmt/645"}


def tiny_pdf() -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(_OBJECTS, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(_OBJECTS) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(_OBJECTS) + 1, xref,
    )  # fmt: skip
    return bytes(out)


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formats")
    image = (pyvips.Image.black(16, 16) + 128).cast("uchar")
    image.tiffsave(str(folder / "page.tif"))
    image.jpegsave(str(folder / "page.jpg"))
    image.jpegsave(str(folder / "plain.jpg"), strip=True)  # libvips 8.14: no EXIF
    image.pngsave(str(folder / "page.png"))
    image.jp2ksave(str(folder / "page.jp2"))
    (folder / "doc.pdf").write_bytes(tiny_pdf())
    assert pyvips.Image.new_from_file(str(folder / "doc.pdf")).width == 72  # poppler reads it
    return folder


@pytest.mark.parametrize(
    ("name", "puid", "mime"),
    [
        ("page.tif", "fmt/353", "image/tiff"),
        ("page.png", "fmt/11", "image/png"),
        ("page.jp2", "x-fmt/392", "image/jp2"),
        ("doc.pdf", "fmt/18", "application/pdf"),
    ],
)
def test_identifies_by_signature(samples, name, puid, mime):
    found = identify(samples / name)
    assert (found.puid, found.mime, found.method) == (puid, mime, "signature")
    assert found.name


def test_jpeg_with_and_without_exif(samples):
    for name in ("page.jpg", "plain.jpg"):
        found = identify(samples / name)
        assert found.puid in JPEG_PUIDS and found.mime == "image/jpeg", found
        assert found.method == "signature"


def test_signature_wins_over_a_wrong_extension(samples, tmp_path):
    disguised = tmp_path / "really-a-tiff.jpg"
    disguised.write_bytes((samples / "page.tif").read_bytes())
    assert identify(disguised).puid == "fmt/353"


def test_unknown_empty_and_unreadable(tmp_path):
    odd = tmp_path / "odd"
    odd.write_bytes(b"\x00\x01\x02 not a known format")
    assert identify(odd) == formats.FormatId(None, "unknown", None, "none")
    empty = tmp_path / "empty.tif"
    empty.write_bytes(b"")
    assert identify(empty).method == "empty"
    with pytest.raises(PreservationError, match="Cannot read the file") as caught:
        identify(tmp_path / "missing.tif")
    assert "missing.tif" in str(caught.value)


def test_signatures_load_once(samples):
    identify(samples / "page.png")
    engine = formats._engine()
    started = time.perf_counter()
    for _ in range(20):
        identify(samples / "page.tif")
    assert formats._engine() is engine
    assert (time.perf_counter() - started) / 20 < 0.1  # no per-call signature loading
    assert "formats-v" in formats.signature_versions()
