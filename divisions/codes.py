"""Division-code arithmetic: what a code's digits say about its level and the divisions above it.

A code names its ancestors by its prefixes (GB/T 2260 and the statistics bureau's township and village codes):
140621100201 is a village of the township 140621100, of the county 140621, of the city 1406, of the province 14.
Every other module asks here instead of slicing codes or comparing their lengths.
"""

from typing import Final

from .models import DivisionLevel

# The province canbao serves (山西省). The division table also holds every other province, city and county of China,
# for checking an ID number's address code, but only this province's townships and villages.
PROVINCE_CODE: Final = "14"

# Each level and the length of its codes, from the top down.
LEVEL_CODE_LENGTH: Final[dict[DivisionLevel, int]] = {
    DivisionLevel.PROVINCE: 2,
    DivisionLevel.CITY: 4,
    DivisionLevel.COUNTY: 6,
    DivisionLevel.TOWNSHIP: 9,
    DivisionLevel.VILLAGE: 12,
}
LEVELS_TOP_DOWN: Final[tuple[DivisionLevel, ...]] = tuple(LEVEL_CODE_LENGTH)
_LEVEL_OF_LENGTH: Final[dict[int, DivisionLevel]] = {length: level for level, length in LEVEL_CODE_LENGTH.items()}


def code_length(level: DivisionLevel | str) -> int:
    """How many digits the codes of `level` have (also for SQL: `Substr(code, 1, code_length(level))`)."""
    return LEVEL_CODE_LENGTH[DivisionLevel(level)]


def code_level(code: str) -> DivisionLevel | None:
    """The level a code names by its length; None for a string that is no division code."""
    return _LEVEL_OF_LENGTH.get(len(code))


def level_below(level: DivisionLevel | str) -> DivisionLevel | None:
    """The level of a division's children; None below villages."""
    position = LEVELS_TOP_DOWN.index(DivisionLevel(level))
    return LEVELS_TOP_DOWN[position + 1] if position + 1 < len(LEVELS_TOP_DOWN) else None


def child_level(code: str) -> DivisionLevel:
    """The level of the divisions directly below `code` (the rows of its report); ValueError below villages."""
    level = code_level(code)
    below = level_below(level) if level is not None else None
    if below is None:
        raise ValueError(f"No division level below {code!r}")
    return below


def child_code_length(code: str) -> int:
    """How many digits the codes of the divisions directly below `code` have."""
    return code_length(child_level(code))


def code_reaches(code: str, level: DivisionLevel | str) -> bool:
    """Whether the code names a division at `level` or below it (has at least that level's digits)."""
    return len(code) >= code_length(level)


def code_prefix(code: str, level: DivisionLevel | str) -> str:
    """The code of the division at `level` containing `code`; a code above `level` is returned whole."""
    return code[: code_length(level)]


def code_at_level(code: str, level: DivisionLevel | str) -> str | None:
    """The code of the division at `level` containing `code` (itself at that level); None when it lies above."""
    return code_prefix(code, level) if code_reaches(code, level) else None


def city_code_of(code: str) -> str:
    return code_prefix(code, DivisionLevel.CITY)


def county_code_of(code: str) -> str:
    return code_prefix(code, DivisionLevel.COUNTY)


def township_code_of(code: str) -> str:
    return code_prefix(code, DivisionLevel.TOWNSHIP)


def parent_code(code: str) -> str | None:
    """The code of the division directly above; None for a province (or a string that is no division code)."""
    level = code_level(code)
    if level is None or level == DivisionLevel.PROVINCE:
        return None
    return code_prefix(code, LEVELS_TOP_DOWN[LEVELS_TOP_DOWN.index(level) - 1])


def ancestor_codes(code: str) -> list[str]:
    """The codes of the divisions strictly above `code`, the province first."""
    return [code[:length] for length in LEVEL_CODE_LENGTH.values() if length < len(code)]


def code_is_within(code: str, ancestor_code: str) -> bool:
    """Whether `code` is `ancestor_code` or a division below it."""
    return code.startswith(ancestor_code)


def code_is_strictly_within(code: str, ancestor_code: str) -> bool:
    """Whether `code` is a division below `ancestor_code`, not that division itself."""
    return code != ancestor_code and code.startswith(ancestor_code)


def codes_on_one_line(code: str, other_code: str) -> bool:
    """Whether one of the two divisions contains the other (or they are the same)."""
    return code.startswith(other_code) or other_code.startswith(code)
