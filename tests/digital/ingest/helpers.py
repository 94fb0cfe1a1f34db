"""Small generated test data: page images, handcrafted PDFs, ZIPs (hostile ones too), bags."""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

import pyvips

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "digital" / "ingest"
_SAVERS = {"tiff": "tiffsave", "jpeg": "jpegsave", "png": "pngsave", "jp2": "jp2ksave"}


def image(width: int = 64, height: int = 48, bands: int = 3, value: int = 128) -> pyvips.Image:
    """A plain image with a gradient, so derivatives have something to compress."""
    ramp = pyvips.Image.xyz(width, height)[0] * (255 / max(width, 1))
    planes = [(ramp + value).cast("uchar") for _ in range(bands)]
    joined = planes[0].bandjoin(planes[1:]) if bands > 1 else planes[0]
    return joined.copy(interpretation="srgb" if bands >= 3 else "b-w")


def write_image(path: Path, fmt: str = "tiff", **kwargs) -> Path:
    """Write an image in ``fmt`` whatever the name's suffix says."""
    path.parent.mkdir(parents=True, exist_ok=True)
    img = kwargs.pop("img", None) or image(**kwargs)
    path.write_bytes(getattr(img, _SAVERS[fmt] + "_buffer")())
    return path


def pdf_bytes(pages: list[tuple[int, int]]) -> bytes:
    """A minimal valid PDF with blank pages of the given sizes in points (none: no pages)."""
    kids = " ".join(f"{3 + i} 0 R" for i in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
    ]
    objects += [
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}] >>".encode() for w, h in pages
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def write_pdf(path: Path, pages: list[tuple[int, int]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf_bytes(pages))
    return path


def png_header_only(width: int, height: int) -> bytes:
    """A PNG declaring ``width`` x ``height`` with one tiny (truncated) data chunk."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


def zip_with(path: Path, entries: list[tuple[str | zipfile.ZipInfo, bytes]], **kwargs) -> Path:
    """A ZIP of (name or ZipInfo, data); deflated unless a ZipInfo says otherwise."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, **kwargs) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return path


def set_flag(path: Path, name: bytes, flag: int) -> None:
    """Set a general-purpose flag bit on an entry, in its local and central headers
    (Python's zipfile cannot write encrypted entries)."""
    data = bytearray(path.read_bytes())
    for signature, flag_offset, name_offset in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            if data[start + name_offset : start + name_offset + len(name)] == name:
                value = struct.unpack_from("<H", data, start + flag_offset)[0] | flag
                struct.pack_into("<H", data, start + flag_offset, value)
            start += 4
    path.write_bytes(bytes(data))


def rename_raw(path: Path, old: bytes, new: bytes) -> None:
    """Replace an entry's name bytes in place (same length), to store a name in a legacy
    code page without the UTF-8 flag, as old Windows archivers do."""
    assert len(old) == len(new)
    path.write_bytes(path.read_bytes().replace(old, new))
