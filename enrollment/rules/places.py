"""R13.0a: the place of enrollment (参保地), as pure functions (no ORM, no clock).

A person enrolls in their household county by default, or in the county where they live (居住证) or work (就业证明);
a newborn in the household county or a parent's county of residence. Which county holds the enrollment decides the
policy figures that apply; the explanation names the county and the basis.
"""

import dataclasses
import datetime
from dataclasses import dataclass

from .base import Explanation
from .quotes import Quote, SpecialStatus

HOUSEHOLD = "household"
RESIDENCE = "residence"
EMPLOYMENT = "employment"
PARENT_RESIDENCE = "parent_residence"

BASIS_LABELS: dict[str, str] = {
    HOUSEHOLD: "户籍地",
    RESIDENCE: "居住地（居住证）",
    EMPLOYMENT: "就业地",
    PARENT_RESIDENCE: "新生儿随父母常住地",
}
DOCUMENT_LABELS: dict[str, str] = {
    RESIDENCE: "居住证号",
    EMPLOYMENT: "就业证明编号",
    PARENT_RESIDENCE: "父（母）居住证号",
}


class PlaceRefused(ValueError):
    """A place of enrollment the rule refuses; `field` names the request field concerned."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class EnrollmentPlace:
    county_code: str
    basis: str
    document_no: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    explanation: Explanation


def enrollment_place_check(
    *,
    household_county_code: str,
    county_code: str,
    county_name: str,
    basis: str,
    document_no: str,
    valid_from: datetime.date | None,
    valid_to: datetime.date | None,
    payment_date: datetime.date,
    newborn: bool,
    source: str,
) -> EnrollmentPlace:
    """Check where the person enrolls and why (R13.0a); refused with the field concerned.

    The household county needs no proof; another county needs a basis other than the household one with its
    document number, a residence permit (or a parent's, for a newborn) valid on the payment date, and only a newborn
    follows a parent's residence.
    """
    basis = basis or HOUSEHOLD
    document_no = document_no.strip()
    if basis not in BASIS_LABELS:
        raise PlaceRefused("basis", "参保依据应为户籍地、居住地（居住证）、就业地或新生儿随父母常住地。")
    if basis == PARENT_RESIDENCE and not newborn:
        raise PlaceRefused("basis", "“新生儿随父母常住地”仅适用于新生儿参保。")
    if county_code == household_county_code:
        if basis == HOUSEHOLD:
            text = f"在户籍地{county_name}参保，适用{county_name}的缴费标准和政策"
            return EnrollmentPlace(county_code, HOUSEHOLD, "", None, None, Explanation("R13.0a", text, source))
    elif basis == HOUSEHOLD:
        raise PlaceRefused(
            "basis",
            f"{county_name}不是该居民的户籍地，在户籍地以外参保须选择居住地、就业地或新生儿随父母常住地作为参保依据。",
        )
    document_label = DOCUMENT_LABELS[basis]
    if not document_no:
        raise PlaceRefused("basis_document_no", f"以{BASIS_LABELS[basis]}为依据参保，须填写{document_label}。")
    if valid_from is not None and valid_to is not None and valid_from > valid_to:
        raise PlaceRefused("basis_valid_to", "证明有效期止不能早于有效期起。")
    if basis in (RESIDENCE, PARENT_RESIDENCE):
        if valid_from is None:
            raise PlaceRefused("basis_valid_from", "请填写居住证的有效期起。")
        if payment_date < valid_from or (valid_to is not None and payment_date > valid_to):
            until = f"至{valid_to:%Y年%-m月%-d日}" if valid_to is not None else "起长期"
            raise PlaceRefused(
                "basis_valid_to" if valid_to is not None and payment_date > valid_to else "basis_valid_from",
                f"居住证有效期为{valid_from:%Y年%-m月%-d日}{until}，缴费日期{payment_date:%Y年%-m月%-d日}不在有效期内，"
                f"不能在{county_name}参保。",
            )
    text = (
        f"以{BASIS_LABELS[basis]}为依据在{county_name}参保（{document_label}{document_no}），"
        f"适用{county_name}的缴费标准和政策"
    )
    return EnrollmentPlace(county_code, basis, document_no, valid_from, valid_to, Explanation("R13.0a", text, source))


def quote_placed(quote: Quote, place: EnrollmentPlace) -> Quote:
    """The quote with where it is held and why named last in its explanation (R13.0a): what the quote API and the
    enrollment both answer."""
    return dataclasses.replace(quote, explanation=(*quote.explanation, place.explanation))


def quote_is_newborn(quote: Quote) -> bool:
    """Whether the quote applied the newborn rules (R7), which let a baby follow a parent's residence."""
    return quote.situation is not None and quote.situation.special_status == SpecialStatus.NEWBORN
