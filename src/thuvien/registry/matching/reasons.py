"""The sentences that explain a verdict, bilingual ("tiếng Việt / English").

Findings keep a key and arguments; the text is only written for the candidates that are
returned, since most compared pairs fall below the floor and are never shown.
"""

from dataclasses import dataclass

TEMPLATES = {
    "country": "Khác quốc gia ({0} ≠ {1}) / different country",
    "identifier-conflict": "Khác mã {0} ({1} ≠ {2}) / different {0} identifier",
    "identifier-same": "Cùng mã {0}:{1} / same {0} identifier",
    "name-missing": "Thiếu tên / a name is missing",
    "name-same": "Tên trùng khớp / same name: «{0}» ~ «{1}»",
    "name-similar": "Tên gần giống ({2:.2f}) / similar names: «{0}» ~ «{1}»",
    "name-different": "Tên khác nhau ({2:.2f}) / different names: «{0}» ~ «{1}»",
    "name-too-different": (
        "Tên chưa đủ giống để tự động gộp ({0:.2f}) / names too different to merge automatically"
    ),
    "number": "Số hiệu khác nhau ({0} ≠ {1}) / different numbers in the names",
    "number-one-sided": "Chỉ một tên có số hiệu ({0}) / only one name has a number",
    "level": "Khác cấp ({0} ≠ {1}) / different administrative level",
    "level-one-sided": "Chỉ một tên nêu cấp ({0}) / only one name gives a level",
    "kind": "Khác loại thư viện ({0} ≠ {1}) / different kind of library",
    "kind-sibling": "Khác loại trường ({0} ≠ {1}) / different kind of school",
    "kind-one-sided": "Chỉ một tên nêu loại cơ sở ({0}) / only one name gives the institution",
    "kind-partial": "Loại thư viện chỉ khớp một phần ({0} ~ {1}) / the kinds only partly agree",
    "branch": "Một bên là chi nhánh, phân hiệu / one of them is a branch",
    "province-same": "Cùng tỉnh/bang / same province or state",
    "province-different": "Khác tỉnh/bang ({0} ≠ {1}) / different province or state",
    "commune-same": "Cùng xã/thành phố / same commune or city",
    "commune-different": "Khác xã/thành phố ({0} ≠ {1}) / different commune or city",
    "address-same": "Cùng địa chỉ / same address",
    "address-similar": "Địa chỉ gần giống ({0:.2f}) / similar address",
    "address-different": "Khác địa chỉ / different address",
    "phone-same": "Cùng số điện thoại / same phone number",
    "phone-different": "Khác số điện thoại / different phone number",
    "website-same": "Cùng trang web / same website",
    "website-same-host": "Cùng tên miền web / same web host",
    "email-same": "Cùng thư điện tử / same e-mail address",
    "email-same-domain": "Cùng tên miền thư / same e-mail domain",
    "no-second-evidence": (
        "Chỉ khớp tên và tỉnh, cần thêm xã, địa chỉ, điện thoại, web hoặc thư"
        " / only name and province agree: commune, address, phone, website or e-mail needed"
    ),
    "names-not-equivalent": (
        "Tên khác nhau ở một số từ, cần thêm địa chỉ, điện thoại, web hoặc thư"
        " / the names differ in some words: address, phone, website or e-mail needed"
    ),
    "contact-differs": (
        "Địa chỉ hoặc điện thoại khác, cần người xem / another address or phone: needs a person"
    ),
    "ambiguous": "Nhiều thư viện cùng khớp, cần người xem / several libraries match equally well",
}


@dataclass(frozen=True)
class Reason:
    key: str
    args: tuple[object, ...] = ()

    def text(self) -> str:
        return TEMPLATES[self.key].format(*self.args)
