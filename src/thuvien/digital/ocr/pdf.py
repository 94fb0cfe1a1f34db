"""Searchable PDF: each page image with an invisible text layer at the recognised word boxes.

Built the way tesseract's own PDF renderer does it, without a PDF library: the text is drawn in
render mode 3 (invisible) with tesseract's "GlyphLessFont" (``pdf.ttf`` in tessdata, 572 bytes,
one empty glyph), a Type 0 font whose codes are the text's UTF-16 code units and whose
ToUnicode map is the identity, so viewers can search, select and copy the text, and text
extraction gets it back, in any script. Each word is stretched (``Tz``) to its box.

tesserocr's own PDF renderer (``ProcessPages`` with ``tessedit_create_pdf``) is not used: it
recognises the pages again, and it draws the image OCR ran on, not the access copy readers get.
"""

from __future__ import annotations

import datetime
import zlib
from collections.abc import Sequence
from pathlib import Path

import pyvips

from thuvien.digital.ocr.engine import DEFAULT_TESSDATA, OcrPage
from thuvien.digital.ocr.layout import Line
from thuvien.digital.ocr.preprocess import open_image

__all__ = ["glyphless_font", "searchable_pdf"]

POINTS_PER_INCH = 72
_TO_UNICODE = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
1 beginbfrange
<0000> <FFFF> <0000>
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
"""


class PdfError(ValueError):
    """The PDF could not be made; the message is bilingual and names the page or file."""


def glyphless_font(tessdata: str | None = None) -> bytes:
    """tesseract's pdf.ttf (every character drawn as nothing, 500/1000 em wide)."""
    path = Path(tessdata or DEFAULT_TESSDATA) / "pdf.ttf"
    try:
        return path.read_bytes()
    except OSError as error:
        raise PdfError(
            f"Thiếu phông chữ ẩn của tesseract: {path} / Missing tesseract's glyphless font: {path}"
        ) from error


class _Writer:
    """Objects numbered in order of ``reserve``; written with a cross-reference table."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = [b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"]
        self.size = len(self.chunks[0])
        self.offsets: dict[int, int] = {}
        self.count = 0

    def reserve(self) -> int:
        self.count += 1
        return self.count

    def add(self, number: int, body: bytes) -> None:
        self.offsets[number] = self.size
        chunk = b"%d 0 obj\n" % number + body + b"\nendobj\n"
        self.chunks.append(chunk)
        self.size += len(chunk)

    def stream(self, number: int, data: bytes, extra: bytes = b"", *, compress=True) -> None:
        if compress:
            data, extra = zlib.compress(data), extra + b" /Filter /FlateDecode"
        head = b"<< /Length %d%s >>\nstream\n" % (len(data), extra)
        self.add(number, head + data + b"\nendstream")

    def finish(self, root: int, info: int) -> bytes:
        xref = self.size
        rows = [b"0000000000 65535 f \n"]
        rows += [b"%010d 00000 n \n" % self.offsets[n] for n in range(1, self.count + 1)]
        trailer = b"<< /Size %d /Root %d 0 R /Info %d 0 R >>" % (self.count + 1, root, info)
        tail = b"xref\n0 %d\n" % (self.count + 1) + b"".join(rows)
        tail += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref
        return b"".join([*self.chunks, tail])


def _text_string(text: str) -> bytes:
    """A PDF string (hex) in the font's encoding: UTF-16BE code units."""
    return b"<" + text.encode("utf-16-be").hex().upper().encode() + b">"


def _fonts(writer: _Writer, tessdata: str | None) -> int:
    font, cid, descriptor, file, gid_map, to_unicode = (writer.reserve() for _ in range(6))
    writer.add(
        font,
        b"<< /Type /Font /Subtype /Type0 /BaseFont /GlyphLessFont /Encoding /Identity-H"
        b" /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (cid, to_unicode),
    )
    writer.add(
        cid,
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLessFont"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
        b" /FontDescriptor %d 0 R /CIDToGIDMap %d 0 R /DW 500 >>" % (descriptor, gid_map),
    )
    writer.add(
        descriptor,
        b"<< /Type /FontDescriptor /FontName /GlyphLessFont /Flags 5 /FontBBox [0 0 500 1000]"
        b" /ItalicAngle 0 /Ascent 1000 /Descent -1 /CapHeight 1000 /StemV 80"
        b" /FontFile2 %d 0 R >>" % file,
    )
    ttf = glyphless_font(tessdata)
    writer.stream(file, ttf, b" /Length1 %d" % len(ttf))
    writer.stream(gid_map, b"\x00\x01" * 65536)  # every code to the font's one glyph
    writer.stream(to_unicode, _TO_UNICODE)
    return font


def _jpeg(path: Path, index: int) -> tuple[bytes, int, int, bytes]:
    """JPEG bytes, size and colour space of a page image (a JPEG is embedded as it is)."""
    try:
        image = open_image(path)
        loader = image.get("vips-loader") if image.get_typeof("vips-loader") else ""
        if loader.startswith("jpegload") and image.bands in (1, 3):
            data = path.read_bytes()
        else:
            if image.hasalpha():
                image = image.flatten(background=[255] * (image.bands - 1))
            image = image.colourspace("b-w" if image.bands < 3 else "srgb").cast("uchar")
            data = image.jpegsave_buffer(Q=85)
            image = pyvips.Image.new_from_buffer(data, "")
    except (pyvips.Error, OSError) as error:
        detail = "; ".join(line.strip() for line in str(error).splitlines() if line.strip())
        raise PdfError(
            f"Không đọc được ảnh trang {index}: {path}: {detail} / "
            f"Cannot read the image of page {index}: {path}: {detail}"
        ) from error
    space = b"/DeviceGray" if image.bands == 1 else b"/DeviceRGB"
    return data, image.width, image.height, space


def _text_layer(lines: list[Line], scale: float, page_height: float) -> bytes:
    """Invisible words: one line's words share its baseline and size, each stretched to its box."""
    out = [b"BT 3 Tr"]
    for line in lines:
        size = max(line.h * scale, 1.0)
        baseline = page_height - (line.y + line.h) * scale + 0.2 * size
        for word in line.words:
            text = word.text + " "  # a space after each word: extraction keeps words apart
            natural = 0.5 * size * len(text.encode("utf-16-be")) / 2
            stretch = 100 * max(word.w * scale, 0.5) / natural if natural else 100
            out.append(
                b"/F0 %.2f Tf %.2f Tz 1 0 0 1 %.2f %.2f Tm %s Tj"
                % (size, stretch, word.x * scale, baseline, _text_string(text))
            )
    out.append(b"ET")
    return b"\n".join(out)


def _info(title: str) -> bytes:
    stamp = datetime.datetime.now(datetime.UTC).strftime("D:%Y%m%d%H%M%SZ").encode()
    fields = b"/Producer (thuvien) /CreationDate (%s)" % stamp
    if title:
        fields += b" /Title <FEFF" + title.encode("utf-16-be").hex().upper().encode() + b">"
    return b"<< " + fields + b" >>"


def searchable_pdf(
    pages: Sequence[tuple[Path, OcrPage | None]],
    dest: Path,
    *,
    title: str = "",
    dpi: int = 300,
    tessdata: str | None = None,
) -> Path:
    """Write one PDF page per image, its recognised text invisible over it; return ``dest``.

    Each page's size is the OCR'd image's size at ``dpi``; the image (a JPEG is embedded as it
    is, anything else is converted to JPEG) fills the page, whatever its pixel size, so an
    access copy smaller than the master OCR ran on lines up with the boxes. A page without OCR
    (``None``) gets the image only, sized from its own pixels.
    """
    if not pages:
        raise PdfError("Không có trang nào để tạo PDF / No pages to make a PDF of")
    writer = _Writer()
    catalog, tree, info = writer.reserve(), writer.reserve(), writer.reserve()
    font = _fonts(writer, tessdata)
    kids = []
    scale = POINTS_PER_INCH / dpi
    for index, (image_path, ocr) in enumerate(pages, 1):
        data, width, height, space = _jpeg(Path(image_path), index)
        page, contents, image = writer.reserve(), writer.reserve(), writer.reserve()
        page_w = (ocr.width if ocr else width) * scale
        page_h = (ocr.height if ocr else height) * scale
        writer.stream(
            image,
            data,
            b" /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s"
            b" /BitsPerComponent 8 /Filter /DCTDecode" % (width, height, space),
            compress=False,
        )
        drawing = b"q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q\n" % (page_w, page_h)
        if ocr is not None:
            drawing += _text_layer(ocr.lines, scale, page_h)
        writer.stream(contents, drawing)
        writer.add(
            page,
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Contents %d 0 R"
            b" /Resources << /XObject << /Im0 %d 0 R >> /Font << /F0 %d 0 R >> >> >>"
            % (tree, page_w, page_h, contents, image, font),
        )
        kids.append(page)
    refs = b" ".join(b"%d 0 R" % kid for kid in kids)
    writer.add(tree, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids)))
    writer.add(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % tree)
    writer.add(info, _info(title))
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(writer.finish(catalog, info))
    return dest
