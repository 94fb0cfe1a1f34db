"""Citations worked out by hand from the LC Vietnamese records (APA 7th edition and the
TCVN 4743 bibliographic description), then handcrafted cases for the rules around them."""

import pytest

from tests.fixtures.catalog.records import lc_vie_by_number, marcxml
from thuvien.catalog.marc.citation import apa, tcvn4743
from thuvien.catalog.marc.record import ControlField, DataField, Record

# Each row: the record, the APA reference and the TCVN 4743 description, written by hand
# from the MARC (shown in the comment) by the rules in citation.py's docstring.
HAND_WORKED = [
    # 100 1 Nguyễn, Thị Thu Thảo. 245 10 Đổi mới ... /$cNguyễn Thị Thu Thảo.
    # 260 Hà Nội :$bNhà xuất bản Chính trị quốc gia,$c1999. 300 178 p. ;$c19 cm.
    (
        "00280610",
        "Nguyễn Thị Thu Thảo. (1999). Đổi mới và hoàn thiện chính sách quản lý ngoại hối ở "
        "Việt Nam. Nhà xuất bản Chính trị quốc gia.",
        "Đổi mới và hoàn thiện chính sách quản lý ngoại hối ở Việt Nam / Nguyễn Thị Thu Thảo. "
        "- Hà Nội : Nhà xuất bản Chính trị quốc gia, 1999. - 178 p. ; 19 cm.",
    ),
    # 100 Nguyễn, Cử; 700 Lê, Trọng Trải; 700 Phillipps, Karen (not a Vietnamese name:
    # APA initials); 020 094688840X; 300 250 p. :$bcol. ill., col. maps ;$c21 cm.
    (
        "00369139",
        "Nguyễn Cử, Lê Trọng Trải, & Phillipps, K. (2000). Chim Việt Nam. "
        "Nhà xuất bản Lao động - xã hội.",
        "Chim Việt Nam / Nguyễn Cử, Lê Trọng Trải, Karen Phillipps ; minh họa, Karen "
        "Phillipps ; thiết kế, Lotus Communications. - [Hà Nội] : Nhà xuất bản Lao động - xã "
        "hội, 2000. - 250 p. : col. ill., col. maps ; 21 cm. - ISBN 094688840X.",
    ),
    # No 245 $c: the description names the author from 100. Two publishers, a series,
    # 710 Trung tâm ... (a corporate added entry without relator: not cited in APA).
    (
        "00280615",
        "Hoàng Cầm. (1999). Văn xuôi Hoàng Cầm. Nhà xuất bản Văn học; Trung tâm văn hóa "
        "ngôn ngữ Đông Tây.",
        "Văn xuôi Hoàng Cầm / Hoàng Cầm. - [Hà Nội] : Nhà xuất bản Văn học : Trung tâm văn "
        "hóa ngôn ngữ Đông Tây, [1999]. - 318 p. ; 19 cm. - (Văn học Việt Nam hiện đại).",
    ),
    # 100 0 Hữu Tuấn (a pen name, forename entry); a subtitle, capitalised in APA.
    (
        "00280693",
        "Hữu Tuấn. (1998). Trang sách, hồn nước: Giai thoại sách Việt Nam, 1076-1975. "
        "Nhà xuất bản Trẻ.",
        "Trang sách, hồn nước : giai thoại sách Việt Nam, 1076-1975 / Hữu Tuấn. - [TP. Hồ Chí "
        "Minh] : Nhà xuất bản Trẻ, [1998]. - 359 p. ; 19 cm.",
    ),
    # No 1XX, 245 $c "... biên soạn" (compiled): the 700 is the editor; a parallel title
    # goes in brackets in APA and after "=" in the description.
    (
        "00236597",
        "Nguyễn Khắc Mai (Chủ biên). (2001). Ngôi chùa, một vùng tâm thức, một vùng thi ca "
        "[Thiền lâm chư gia đề vịnh thi]. Nhà xuất bản Tôn giáo.",
        "Ngôi chùa, một vùng tâm thức, một vùng thi ca = Thiền lâm chư gia đề vịnh thi / "
        "Nguyên Hiệp-Nguyễn Khắc Mai biên soạn. - [Hà Nội] : Nhà xuất bản Tôn giáo, 2001. "
        "- 504 p., [8] leaves of plates ; 21 cm.",
    ),
    # 250 In lần thứ 2 có bổ sung.
    (
        "00280628",
        "Phạm Đình Nghiệp. (1999). Tìm hiểu một số thuật ngữ về công tác thanh niên (In lần "
        "thứ 2 có bổ sung). Nhà xuất bản Thanh niên.",
        "Tìm hiểu một số thuật ngữ về công tác thanh niên / Phạm Đình Nghiệp. - In lần thứ 2 "
        "có bổ sung. - Hà Nội : Nhà xuất bản Thanh niên, 1999. - 207 p. ; 19 cm.",
    ),
    # 245 00 ... /$cNguyễn Văn Thâm ... [et al.]; 700 Nguyễn, Văn Thâm (no editing words).
    (
        "00280608",
        "Nguyễn Văn Thâm. (1999). Hướng dẫn kỹ thuật nghiệp vụ hành chính. Nhà xuất bản Thống kê.",
        "Hướng dẫn kỹ thuật nghiệp vụ hành chính / Nguyễn Văn Thâm ... [et al.]. - Hà Nội : "
        "Nhà xuất bản Thống kê, 1999. - 747 p. ; 24 cm.",
    ),
]


@pytest.mark.parametrize(("lccn", "reference", "description"), HAND_WORKED)
def test_hand_worked_citations_of_lc_records(lccn, reference, description):
    record = lc_vie_by_number(lccn)
    assert apa(record).text == reference
    assert tcvn4743(record).text == description


def test_apa_html_puts_the_title_in_italics_and_escapes():
    citation = apa(lc_vie_by_number("00369139"))
    assert citation.html == (
        "Nguyễn Cử, Lê Trọng Trải, &amp; Phillipps, K. (2000). <em>Chim Việt Nam</em>. "
        "Nhà xuất bản Lao động - xã hội."
    )
    record = _book(
        DataField("245", "00", [("a", "C++ <templates> & Python :"), ("b", "a guide.")]),
    )
    html = apa(record).html
    assert "<em>C++ &lt;templates&gt; &amp; Python: A guide</em>" in html
    assert "<" not in tcvn4743(record).html.replace("&lt;", "")


def test_an_english_record_follows_plain_apa():
    # Koha LFL record: 100 Penz, Francois. 245 Cinema and architecture : from historical
    # to digital / edited by ...; 260 London : BFI (British Film Institute) Publishing, 1996.
    record = marcxml("koha_lfl_5.xml")
    assert apa(record).text == (
        "Penz, F. (1996). Cinema and architecture: From historical to digital. "
        "BFI (British Film Institute) Publishing."
    )
    assert tcvn4743(record).text == (
        "Cinema and architecture : from historical to digital / edited by Francois Penz and "
        "Maureen Thomas. - London : BFI (British Film Institute) Publishing, 1996. - 192 p. - "
        "ISBN 0851705774."
    )


def _book(*fields, language="vie"):
    f008 = f"150101s2015    vm            000 0 {language} d"
    return Record("00000nam a2200000 a 4500", [ControlField("008", f008), *fields])


def test_vietnamese_names_are_written_in_full_never_as_initials():
    record = _book(
        DataField("100", "1 ", [("a", "Hồ, Chí Minh,"), ("d", "1890-1969.")]),
        DataField("245", "10", [("a", "Nhật ký trong tù /"), ("c", "Hồ Chí Minh.")]),
        DataField("260", "  ", [("a", "Hà Nội :"), ("b", "Kim Đồng,"), ("c", "2015.")]),
    )
    assert apa(record).text == "Hồ Chí Minh. (2015). Nhật ký trong tù. Kim Đồng."
    # Catalogued without diacritics, a Vietnamese family name is still recognised.
    ascii_name = _book(
        DataField("100", "1 ", [("a", "Nguyen, Van An.")]),
        DataField("245", "10", [("a", "Ban do Viet Nam.")]),
    )
    assert apa(ascii_name).text.startswith("Nguyen Van An. (2015).")
    # The same name in an English book keeps APA's form.
    english = _book(
        DataField("100", "1 ", [("a", "Nguyen, Viet Thanh.")]),
        DataField("245", "14", [("a", "The sympathizer.")]),
        language="eng",
    )
    assert apa(english).text.startswith("Nguyen, V. T. (2015). The sympathizer.")


def test_apa_author_lists():
    names = [DataField("100", "1 ", [("a", "Smith, John Paul.")])]
    names += [DataField("700", "1 ", [("a", f"Author{i}, Jean-Luc.")]) for i in range(1, 22)]
    record = _book(*names, DataField("245", "10", [("a", "Many hands.")]), language="eng")
    text = apa(record).text
    assert text.startswith("Smith, J. P., Author1, J.-L., ")
    assert ", Author18, J.-L., . . . Author21, J.-L. (2015). Many hands." in text
    assert "Author19" not in text and "Author20" not in text
    two = _book(
        DataField("100", "1 ", [("a", "Dressler, David.")]),
        DataField("700", "1 ", [("a", "Potter, Huntington.")]),
        DataField("245", "10", [("a", "Discovering enzymes.")]),
        language="eng",
    )
    assert apa(two).text == "Dressler, D., & Potter, H. (2015). Discovering enzymes."


def test_roles_decide_who_is_cited():
    record = _book(
        DataField("245", "00", [("a", "Tuyển tập truyện ngắn /"), ("c", "Lê Minh tuyển chọn.")]),
        DataField("700", "1 ", [("a", "Lê, Minh,"), ("e", "tuyển chọn.")]),
        DataField("700", "1 ", [("a", "Phạm, Hoa,"), ("e", "dịch.")]),
        DataField("710", "2 ", [("a", "Hội Nhà văn Việt Nam.")]),
    )
    assert apa(record).text == "Lê Minh (Chủ biên). (2015). Tuyển tập truyện ngắn."
    english = _book(
        DataField("245", "00", [("a", "Readings /"), ("c", "edited by A. Brown, C. Dunn.")]),
        DataField("700", "1 ", [("a", "Brown, Anne.")]),
        DataField("700", "1 ", [("a", "Dunn, Carl.")]),
        language="eng",
    )
    assert apa(english).text == "Brown, A., & Dunn, C. (Eds.). (2015). Readings."


def test_without_author_or_date_the_title_leads():
    record = Record(
        "00000nam a2200000 a 4500",
        [
            DataField("245", "00", [("a", "Địa chí Bình Dương.")]),
            DataField("250", "  ", [("a", "Tái bản lần thứ 2.")]),
            DataField("260", "  ", [("a", "Bình Dương :"), ("b", "Chính trị quốc gia")]),
        ],
    )
    assert apa(record).text == (
        "Địa chí Bình Dương (Tái bản lần thứ 2). (n.d.). Chính trị quốc gia."
    )
    assert tcvn4743(record).text == (
        "Địa chí Bình Dương. - Tái bản lần thứ 2. - Bình Dương : Chính trị quốc gia."
    )
