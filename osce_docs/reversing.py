"""Addresses of records and pages, built without matching the URL patterns each time.

A list page links every card and each of its topics: some seventy `reverse()`
calls, each walking the URL resolver. The address of `decisions/<slug:slug>/`
is the same text around whatever slug, so it is reversed once (per URLconf and
script prefix) and the slug put in its place; a page without arguments (the
site's navigation, on every page) is reversed once."""

import functools
import re

from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse

# Characters every path converter accepts and that need no quoting; anything
# else takes Django's own way, which checks and quotes it.
PLAIN = re.compile(r"[-a-zA-Z0-9_]+")
_MARK = "zz0slug0zz"


@functools.lru_cache(maxsize=128)
def _around_the_slug(viewname, resolver, prefix):
    # `resolver` and `prefix` are part of the key: another URLconf (tests
    # override ROOT_URLCONF; Django then makes a new resolver) or script prefix
    # gives other addresses.
    try:
        url = reverse(viewname, args=[_MARK])
    except NoReverseMatch:
        return None
    head, mark, tail = url.partition(_MARK)
    return (head, tail) if mark and _MARK not in tail else None


def reverse_slug(viewname, slug):
    """`reverse(viewname, args=[slug])`, for a route whose one argument is a `slug` or `str`."""
    if PLAIN.fullmatch(slug):
        around = _around_the_slug(viewname, get_resolver(get_urlconf()), get_script_prefix())
        if around is not None:
            return f"{around[0]}{slug}{around[1]}"
    return reverse(viewname, args=[slug])


# A file's name in its address (`files/<int:pk>/<str:name>`) as written: what
# reverse() would quote goes through reverse().
PLAIN_FILE_NAME = re.compile(r"[-a-zA-Z0-9_][-a-zA-Z0-9_.]*")
_PK_MARK = 918273645


@functools.lru_cache(maxsize=128)
def _around_the_file(viewname, resolver, prefix):
    try:
        url = reverse(viewname, args=[_PK_MARK, _MARK])
    except NoReverseMatch:
        return None
    head, mark, rest = url.partition(str(_PK_MARK))
    middle, name_mark, tail = rest.partition(_MARK)
    if not (mark and name_mark) or str(_PK_MARK) in tail or _MARK in tail:
        return None
    return head, middle, tail


def reverse_file(viewname, pk, name):
    """`reverse(viewname, args=[pk, name])`, for a route of an `int` and a `str` (an attached file's address)."""
    if isinstance(pk, int) and PLAIN_FILE_NAME.fullmatch(name):
        around = _around_the_file(viewname, get_resolver(get_urlconf()), get_script_prefix())
        if around is not None:
            return f"{around[0]}{pk}{around[1]}{name}{around[2]}"
    return reverse(viewname, args=[pk, name])


@functools.lru_cache(maxsize=128)
def _page(viewname, resolver, prefix):
    return reverse(viewname)


def reverse_page(viewname):
    """`reverse(viewname)` for a page without arguments. (Each of the project's
    namespaces has one instance, so the current app never changes the answer.)"""
    return _page(viewname, get_resolver(get_urlconf()), get_script_prefix())
