"""Official OSCE decision symbols: PC.DEC/557, PC.DEC/557/Rev.1,
MC.DEC/8/07, MC.DEC/8/07/Corr.1, PC.DEC/557/Add.1.

Ministerial Council numbers restart every year, so their symbol carries the
year; Permanent Council numbers run on and carry none."""

import re
from dataclasses import dataclass

BODIES = ("PC", "MC")

_SYMBOL_RE = re.compile(
    r"""^\s*(?P<body>PC|MC)\s*\.\s*DEC\s*/\s*(?P<number>\d{1,5})
        (?:\s*/\s*(?P<year>\d{2}|\d{4}))?
        (?:\s*/\s*Rev\.?\s*(?P<revision>\d{1,3}))?
        (?:\s*/\s*Add\.?\s*(?P<addendum>\d{1,3}))?
        (?:\s*/\s*Corr\.?\s*(?P<corrigendum>\d{1,3}))?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


class SymbolError(ValueError):
    pass


@dataclass(frozen=True)
class Symbol:
    body: str
    number: int
    year: int | None = None
    revision: int | None = None
    addendum: int | None = None
    corrigendum: int | None = None

    def __str__(self):
        return format_symbol(**self.__dict__)


def expand_year(two_or_four_digits):
    """'07' -> 2007, '99' -> 1999: the Ministerial Council first met in 1991."""
    year = int(two_or_four_digits)
    if len(str(two_or_four_digits)) == 4:
        return year
    return 1900 + year if year >= 70 else 2000 + year


def format_symbol(*, body, number, year=None, revision=None, addendum=None, corrigendum=None):
    parts = [f"{body}.DEC/{int(number)}"]
    if body == "MC":
        if year is None:
            raise SymbolError("A Ministerial Council decision's symbol needs its year.")
        parts.append(f"{int(year) % 100:02d}")
    if revision:
        parts.append(f"Rev.{int(revision)}")
    if addendum:
        parts.append(f"Add.{int(addendum)}")
    if corrigendum:
        parts.append(f"Corr.{int(corrigendum)}")
    return "/".join(parts)


def parse_symbol(text):
    """Read a symbol as people write it (any case, stray spaces) into its parts."""
    match = _SYMBOL_RE.match(text or "")
    if not match:
        raise SymbolError(f"“{text}” is not a decision symbol such as PC.DEC/557/Rev.1 or MC.DEC/8/07.")
    body = match["body"].upper()
    year = match["year"]
    if body == "MC" and not year:
        raise SymbolError(f"“{text}”: a Ministerial Council symbol needs the year, as in MC.DEC/8/07.")
    if body == "PC" and year:
        raise SymbolError(f"“{text}”: Permanent Council symbols carry no year.")
    number = int(match["number"])
    if number == 0:
        raise SymbolError(f"“{text}”: decision numbers start at 1.")

    def optional(name):
        return int(match[name]) if match[name] else None

    return Symbol(
        body=body,
        number=number,
        year=expand_year(year) if year else None,
        revision=optional("revision"),
        addendum=optional("addendum"),
        corrigendum=optional("corrigendum"),
    )


def symbol_slug(symbol):
    """'PC.DEC/557/Rev.1' -> 'pc-dec-557-rev-1' (the address of its page)."""
    return re.sub(r"[^a-z0-9]+", "-", symbol.lower()).strip("-")
