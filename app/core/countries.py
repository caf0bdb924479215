"""ISO 3166-1 alpha-2 codes and their English names (from babel's CLDR data)."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale


@lru_cache
def country_names() -> dict[str, str]:
    territories = Locale("en").territories
    # Two-letter keys are countries; numeric keys are regions such as "150" (Europe).
    # "ZZ" is CLDR's unknown region, "EU"/"EZ"/"UN"/"QO" are groupings, "XA"/"XB" are CLDR's
    # pseudo-locales, and AC, CP, CQ, DG, EA, IC, TA are reserved in ISO 3166-1, not assigned.
    # XK (Kosovo) stays: it is user-assigned, but the EU and most registries use it.
    excluded = {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"}
    return {
        code: name for code, name in territories.items() if len(code) == 2 and code.isalpha() and code not in excluded
    }


def is_country_code(code: str) -> bool:
    return code in country_names()


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return country_names().get(code, code)
