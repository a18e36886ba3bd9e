"""Languages of attached files: ISO 639-1 codes, the six OSCE official
languages first."""

from functools import cache

import pycountry
from django.utils.translation import gettext_lazy as _

OFFICIAL_LANGUAGES = ("en", "fr", "de", "it", "ru", "es")


@cache
def _all_iso639_1():
    return {lang.alpha_2: lang.name for lang in pycountry.languages if hasattr(lang, "alpha_2")}


def language_name(code):
    return _all_iso639_1().get(code, code)


def language_choices():
    names = _all_iso639_1()
    official = [(code, names[code]) for code in OFFICIAL_LANGUAGES]
    others = sorted(
        ((code, name) for code, name in names.items() if code not in OFFICIAL_LANGUAGES), key=lambda item: item[1]
    )
    return [(_("OSCE official languages"), official), (_("Other languages"), others)]


def is_language_code(code):
    return code in _all_iso639_1()


def language_sort_key(code):
    """Official languages in their fixed order, then the others alphabetically."""
    if code in OFFICIAL_LANGUAGES:
        return (0, OFFICIAL_LANGUAGES.index(code), "")
    return (1, 0, language_name(code))
