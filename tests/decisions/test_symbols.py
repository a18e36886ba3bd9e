import pytest

from decisions.symbols import Symbol, SymbolError, expand_year, format_symbol, parse_symbol, symbol_slug


@pytest.mark.parametrize(
    "parts, expected",
    [
        ({"body": "PC", "number": 557}, "PC.DEC/557"),
        ({"body": "PC", "number": 557, "revision": 1}, "PC.DEC/557/Rev.1"),
        ({"body": "MC", "number": 8, "year": 2007}, "MC.DEC/8/07"),
        ({"body": "MC", "number": 8, "year": 2007, "corrigendum": 1}, "MC.DEC/8/07/Corr.1"),
        ({"body": "PC", "number": 557, "addendum": 1}, "PC.DEC/557/Add.1"),
        ({"body": "PC", "number": 1107, "corrigendum": 1}, "PC.DEC/1107/Corr.1"),
        ({"body": "MC", "number": 2, "year": 1999}, "MC.DEC/2/99"),
    ],
)
def test_symbol_is_formatted_from_its_parts(parts, expected):
    assert format_symbol(**parts) == expected


def test_ministerial_council_symbol_without_year_is_refused():
    with pytest.raises(SymbolError):
        format_symbol(body="MC", number=8)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("PC.DEC/557", Symbol("PC", 557)),
        ("PC.DEC/557/Rev.1", Symbol("PC", 557, revision=1)),
        ("pc.dec/557/rev.1", Symbol("PC", 557, revision=1)),
        (" MC.DEC/8/07 ", Symbol("MC", 8, year=2007)),
        ("MC.DEC/8/2007/Corr.1", Symbol("MC", 8, year=2007, corrigendum=1)),
        ("PC.DEC/557/Rev.1/Add.1", Symbol("PC", 557, revision=1, addendum=1)),
        ("MC.DEC/3/99", Symbol("MC", 3, year=1999)),
    ],
)
def test_symbol_is_parsed_into_its_parts(text, expected):
    assert parse_symbol(text) == expected


@pytest.mark.parametrize(
    "text", ["", "PC557", "PC.DEC/", "MC.DEC/8", "PC.DEC/557/07", "XX.DEC/1", "PC.DEC/0", "PC.DEC/557/Rev.x"]
)
def test_malformed_symbols_are_refused_with_a_reason(text):
    with pytest.raises(SymbolError) as error:
        parse_symbol(text)
    assert str(error.value)


def test_parsing_then_formatting_gives_the_canonical_symbol():
    assert str(parse_symbol("mc.dec / 8 / 07 / corr.1")) == "MC.DEC/8/07/Corr.1"


def test_two_digit_years_span_the_councils_history():
    assert expand_year("91") == 1991
    assert expand_year("07") == 2007
    assert expand_year("2024") == 2024


def test_symbol_slug_is_readable():
    assert symbol_slug("PC.DEC/557/Rev.1") == "pc-dec-557-rev-1"
    assert symbol_slug("MC.DEC/8/07") == "mc-dec-8-07"
