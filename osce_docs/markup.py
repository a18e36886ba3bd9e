"""HTML written in Python, for the pieces a page draws dozens of times (the
filters' options in osce_docs/widgets.py, cards in osce_docs/cards.py).

Django's `format_html` and `conditional_escape` do the same, through a
wrapper that checks every argument for lazy text; on a list page that wrapper
cost more than the escaping itself."""

import html

from django.utils.safestring import SafeString


def escape(value):
    """Django's conditional_escape: text escaped, safe HTML (anything with
    `__html__`) as it is."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def format_html(format_string, /, *args, **kwargs):
    """Django's format_html: FORMAT_STRING (trusted) with every value escaped."""
    return SafeString(
        format_string.format(*map(escape, args), **{name: escape(value) for name, value in kwargs.items()})
    )
