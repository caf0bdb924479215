"""Alphabetical order as a reader expects it, the same in every list of people: badges, certificates,
exports, the report's participant list and the console."""

from __future__ import annotations

import unicodedata

# Letters Unicode does not decompose into a base letter and an accent, filed under the base letters.
_UNDECOMPOSED = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "ı": "i",
    }
)


def alphabetical_key(text: str) -> str:
    """Case and accents ignored: "Åland" files under A, "de Boer" under D, "Ørsted" under O."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).casefold().split())


def person_sort_key(last_name: str, first_name: str) -> tuple[str, str, str, str]:
    """By last name, then first name, ignoring case and accents ("de Boer" among the D's, not after
    "Vendrell"); names equal but for accents or case come in a fixed order, so every list agrees."""
    return alphabetical_key(last_name), alphabetical_key(first_name), last_name, first_name
