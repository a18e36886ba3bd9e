"""The pieces the public lists repeat, written as HTML in Python: a document's
card, a recommendation with its follow-ups, a search hit, the links to States
and topics with their counts.

A list draws twenty to twenty-five of them, and through the template engine
they were nearly half of a page's work: about a thousand function calls each
(a lookup, an escape, a localisation per variable). Django's admin writes its
change-list rows the same way (`items_for_result`). Templates still ask for
them through their includes (includes/document_card.html,
includes/recommendation.html, search/hit.html); the markup is here, once.

Each piece is two steps: what it shows (`document_facts`, a dict a test can
read), then the markup around it. Every value is escaped by `format_html`
(osce_docs/markup.py)."""

import functools

from django.template.defaultfilters import pluralize
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import get_language

from .dates import date_span, format_date, precise_date
from .markup import format_html
from .models import DatePrecision, DocumentKind


def labels(choices):
    """{value: label} of a TextChoices class in the active language, built
    once per language (`.choices` builds a list each time, `get_FOO_display`
    the choices too, and each lazy label is translated again whenever it is
    escaped)."""
    return _labels(choices, get_language())


@functools.cache
def _labels(choices, language):
    return {value: str(label) for value, label in choices.choices}


def kind_label(kind):
    """A document kind as words ('report' -> 'country-visit report')."""
    return labels(DocumentKind).get(kind, kind)


def _words(text, count):
    """The `truncatewords` filter: the first COUNT words, then " …"."""
    return Truncator(text).words(int(count), truncate=" …")


def _spans(values, indent):
    """Each non-empty value in a <span>, one a line (the card's facts)."""
    return mark_safe("".join(format_html("\n{}<span>{}</span>", indent, value) for value in values if value))


# --- a document's card ------------------------------------------------------


def document_facts(document):
    """What a card shows of a document of any kind: each kind's date, symbol,
    country and place, asked of the document once (the template asking each
    kind for the others' fields cost a failed lookup each)."""
    symbol = getattr(document, "symbol", "") or getattr(document, "card_symbol", "")
    precision = getattr(document, "date_precision", DatePrecision.DAY)
    if adopted_on := getattr(document, "adopted_on", None):
        date = f"Adopted {precise_date(adopted_on)}"
    elif start_on := getattr(document, "start_on", None):
        date = date_span(start_on, document.end_on, precision)
    elif issued_on := getattr(document, "issued_on", None):
        date = f"Issued {precise_date(issued_on, precision)}"
    elif document.published_on:
        date = f"Published {precise_date(document.published_on)}"
    else:
        date = ""
    country = getattr(document, "country", None)
    return {
        "pk": str(document.pk),
        "kind": kind_label(document.kind),
        "url": document.get_absolute_url(),
        "symbol": symbol,
        "title": document.title,
        "date": date,
        # A plain Document may carry its report's country as `card_country`.
        "country": country.name if country else getattr(document, "card_country", "") or "",
        "place": getattr(document, "place", "") or getattr(document, "venue", ""),
        "summary": document.summary,
        "topics": card_topics(document),
    }


def card_topics(document):
    """A document's topics as (address, name): those for_cards() fetched with
    it, or else (a document from elsewhere) read now."""
    if hasattr(document, "card_topics"):
        return document.card_topics
    return [(topic.get_absolute_url(), topic.name) for topic in document.topics.all()]


DOCUMENT_CARD = """<article class="card" aria-labelledby="card-{pk}">
  <{heading} class="card__title" id="card-{pk}">
    <span class="card__kind">{kind}</span>
    <a href="{url}">{symbol}{title}</a>
  </{heading}>
  <p class="card__meta">{meta}
  </p>{summary}{topics}
</article>"""


def document_card(document, heading="h2", summary_words=40):
    """A document in a list: its kind, symbol and title (a heading of level
    HEADING), when and where, the start of its summary, its topics."""
    facts = document_facts(document)
    summary, topics = "", ""
    if facts["summary"]:
        summary = format_html('\n  <p class="card__summary">{}</p>', _words(facts["summary"], summary_words or 40))
    if facts["topics"]:
        links = (format_html('<li><a class="tag" href="{}">{}</a></li>', url, name) for url, name in facts["topics"])
        topics = format_html(
            '\n  <ul class="card__topics" aria-label="Topics">\n    {}\n  </ul>', mark_safe("".join(links))
        )
    return format_html(
        DOCUMENT_CARD,
        pk=facts["pk"],
        heading=heading or "h2",
        kind=facts["kind"],
        url=facts["url"],
        symbol=format_html('<span class="symbol">{}</span> ', facts["symbol"]) if facts["symbol"] else "",
        title=facts["title"],
        meta=_spans((facts["date"], facts["country"], facts["place"]), "    "),
        summary=summary,
        topics=topics,
    )


# --- a recommendation -----------------------------------------------------


def listed_follow_ups(recommendation):
    """A recommendation's follow-ups as (assessed on, status, note, source):
    those for_listing() fetched with it, or else read now."""
    if hasattr(recommendation, "listed_follow_ups"):
        return recommendation.listed_follow_ups
    return [
        (
            follow_up.assessed_on,
            follow_up.status,
            follow_up.note,
            (follow_up.source.get_absolute_url(), follow_up.source.title)
            if follow_up.source_id and follow_up.source.is_published
            else None,
        )
        for follow_up in recommendation.follow_ups.all()
    ]


def recommendation_facts(recommendation, with_report=True):
    """What a recommendation shows, from `Recommendation.objects.for_listing()`
    (its report, country and Special Representative, latest status and
    follow-ups come with it). WITH_REPORT adds what names and links its report;
    without it the report is not read."""
    from decisions.models import FollowUpStatus, RecommendationArea

    statuses = labels(FollowUpStatus)
    latest_status = getattr(recommendation, "latest_status", None)
    follow_ups = [
        {
            "date": precise_date(assessed_on),
            "status": statuses.get(status, status),
            "note": note,
            "source_url": source[0] if source else "",
            "source_title": source[1] if source else "",
        }
        for assessed_on, status, note, source in listed_follow_ups(recommendation)
    ]
    facts = {
        "pk": str(recommendation.pk),
        "number": str(recommendation.number),
        "area": labels(RecommendationArea).get(recommendation.area, recommendation.area),
        "text": recommendation.text,
        "latest_status": latest_status or "",
        "latest_status_label": statuses.get(latest_status, latest_status) if latest_status else "",
        "follow_ups": follow_ups,
    }
    if with_report:
        report = recommendation.report
        facts.update(
            url=recommendation.get_absolute_url(),
            country=report.country.name,
            year=format_date(report.published_on, "Y"),
            representative=report.representative.name,
            report_url=report.get_absolute_url(),
            report_title=report.title,
        )
    return facts


RECOMMENDATION = """<article class="recommendation" id="recommendation-{number}" aria-labelledby="rec-{pk}">
  <{heading} id="rec-{pk}" class="card__title">
    {title}
  </{heading}>{report}
  <p class="recommendation__text">{text}</p>
  <p class="card__meta">Latest follow-up:
    {status}
  </p>{follow_ups}
</article>"""


def _follow_up(follow_up):
    return format_html(
        "\n    <li><strong>{}</strong>: {}{}{}</li>",
        follow_up["date"],
        follow_up["status"],
        format_html(" — {}", follow_up["note"]) if follow_up["note"] else "",
        format_html(' (<a href="{}">{}</a>)', follow_up["source_url"], follow_up["source_title"])
        if follow_up["source_url"]
        else "",
    )


def recommendation_card(recommendation, show_report=False, heading="h3"):
    """A recommendation with what became of it: its latest status and every
    follow-up, oldest first. SHOW_REPORT (in lists across reports) titles it
    by country and year and links its report."""
    facts = recommendation_facts(recommendation, with_report=show_report)
    if show_report:
        title = format_html(
            '<a href="{}">{}, {} — recommendation {}</a>',
            facts["url"],
            facts["country"],
            facts["year"],
            facts["number"],
        )
        report = format_html(
            '\n  <p class="card__meta"><span>{}</span><span>{}</span><span>from <a href="{}">{}</a></span></p>',
            capfirst(facts["area"]),
            facts["representative"],
            facts["report_url"],
            facts["report_title"],
        )
    else:
        title = format_html(
            '<span class="recommendation__number">{}.</span> <span class="card__kind">{}</span>',
            facts["number"],
            facts["area"],
        )
        report = ""
    if facts["latest_status"]:
        status = format_html(
            '<span class="status status--{}">{}</span>', facts["latest_status"], facts["latest_status_label"]
        )
    else:
        status = mark_safe('<span class="status status--none">not yet assessed</span>')
    follow_ups = ""
    if facts["follow_ups"]:
        follow_ups = format_html(
            '\n  <ol class="follow-ups" aria-label="Follow-up assessments, oldest first">{}\n  </ol>',
            mark_safe("".join(_follow_up(follow_up) for follow_up in facts["follow_ups"])),
        )
    return format_html(
        RECOMMENDATION,
        number=facts["number"],
        pk=facts["pk"],
        heading=heading or "h3",
        title=title,
        report=report,
        text=facts["text"],
        status=status,
        follow_ups=follow_ups,
    )


# --- a search hit -----------------------------------------------------------

SEARCH_HIT = """<article class="card hit" aria-labelledby="hit-{pk}">
  <h3 class="card__title" id="hit-{pk}">
    <span class="card__kind">{kind}</span>
    <a href="{url}">{symbol}{title}</a>
  </h3>{published}{summary}{file}
</article>"""


def search_hit(hit):
    """One search result (osce_docs.search.Hit): what it is, and where the
    words occur; the snippets come escaped, with <mark> added, from search.py."""
    document = hit.document
    symbol = getattr(document, "card_symbol", "")
    published, summary, file = "", "", ""
    if document.published_on:
        published = format_html(
            '\n  <p class="card__meta"><span>Published {}</span></p>', precise_date(document.published_on)
        )
    if hit.summary_snippet:
        summary = format_html('\n  <p class="snippet">{}</p>', hit.summary_snippet)
    elif not hit.file_snippet and document.summary:
        summary = format_html('\n  <p class="card__summary">{}</p>', _words(document.summary, 40))
    if hit.file_snippet:
        name = format_html('<a href="{}">{}</a>', hit.file_url, hit.file_name) if hit.file_url else hit.file_name
        file = format_html(
            '\n  <p class="snippet snippet--file">\n    <span class="snippet__source">In {}{}:</span>\n    {}\n  </p>',
            name,
            format_html(", page {}", hit.file_page) if hit.file_page else "",
            hit.file_snippet,
        )
    return format_html(
        SEARCH_HIT,
        pk=document.pk,
        kind=kind_label(document.kind),
        url=document.get_absolute_url(),
        symbol=format_html('<span class="symbol">{}</span> ', symbol) if symbol else "",
        title=document.title,
        published=published,
        summary=summary,
        file=file,
    )


# --- States and topics with their counts -----------------------------------
# About seventy States a page: through the template engine three or four
# lookups each, half of the countries page's time.


def tag_links(records):
    """The home page's clouds: each of RECORDS (States or topics read with
    `document_total`) as a link, its count inside."""
    return mark_safe(
        "".join(
            format_html(
                '<li><a href="{}">{} <span class="count">({})</span></a></li>',
                record.get_absolute_url(),
                record.name,
                localize(record.document_total),
            )
            for record in records
        )
    )


def country_links(states, with_group=False):
    """The countries page's lists: each State as a link, then its count (after
    its group, WITH_GROUP) and, for screen readers, what is counted."""
    from .models import State

    groups = labels(State.Group)
    return mark_safe(
        "".join(
            format_html(
                '<li><a href="{}">{}</a> <span class="count">({}{}<span class="visually-hidden"> document{}</span>)'
                "</span></li>",
                state.get_absolute_url(),
                state.name,
                format_html("{}; ", groups.get(state.group, state.group)) if with_group else "",
                localize(state.document_total),
                pluralize(state.document_total),
            )
            for state in states
        )
    )


def facet_links(items):
    """A search facet's choices (dicts of `url`, `label`, `count`, `selected`),
    each a link that narrows the search or, selected, widens it again: up to
    fifteen a facet, five facets a page."""
    selected_note = mark_safe('<span class="visually-hidden"> (selected; follow to remove)</span>')
    return mark_safe(
        "".join(
            format_html(
                '<li><a href="{}"{}>{} <span class="count">{}</span>{}</a></li>',
                item["url"],
                mark_safe(' aria-current="true"') if item["selected"] else "",
                item["label"],
                localize(item["count"]),
                selected_note if item["selected"] else "",
            )
            for item in items
        )
    )
