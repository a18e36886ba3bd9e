"""Every public page of the site, discovered from the URL configuration (so
that a page added later is checked too), and a library holding published
records beside drafts that must never show: shared by the draft-leak and
hostile-input tests."""

import datetime
import itertools
import re
from dataclasses import dataclass

from django.core.cache import caches
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from alliance.models import EventKind
from decisions.models import Body
from osce_docs.models import Document, RelationKind
from tests import files
from tests.factories import (
    AttachmentFactory,
    DecisionFactory,
    EventFactory,
    FollowUpFactory,
    PartnerFactory,
    RecommendationFactory,
    RelationFactory,
    ReportFactory,
    SpecialRepresentativeFactory,
    StateFactory,
    StatementFactory,
    TopicFactory,
    VisitPeriodFactory,
)

# A word only drafts contain: it must never reach an anonymous visitor.
DRAFT_WORD = "Quarantinedword"
# Not public pages: the staff admin, and the health probe for load balancers.
PRIVATE_PREFIXES = ("admin/",)
PRIVATE_NAMES = {"healthz"}


@dataclass(frozen=True)
class Page:
    route: str
    name: str  # "namespace:name"
    params: tuple


def public_pages():
    """Every public URL pattern, with the names of its parameters."""

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(part for part in (namespace, pattern.namespace) if part)
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if route.startswith(PRIVATE_PREFIXES) or pattern.name in PRIVATE_NAMES:
                    continue
                assert pattern.name, f"the public page {route!r} needs a URL name so that the tests can reach it"
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield Page(route, name, tuple(pattern.pattern.regex.groupindex))

    return list(walk(get_resolver().url_patterns, "", ""))


@dataclass
class Library:
    published: list
    drafts: list
    values: dict  # parameter name -> candidate values, published and draft alike

    def urls(self, page):
        """PAGE's URLs for every combination of candidate parameter values."""
        if not page.params:
            return [reverse(page.name)]
        if page.params == ("pk", "name"):
            # A file: its id with its own name, with another name, and one that does not exist.
            combos = self.values["pk_name"]
        else:
            unknown = [param for param in page.params if param not in self.values]
            assert not unknown, f"{page.route}: add candidate values for {unknown} in tests/public_site.py"
            combos = itertools.product(*(self.values[param] for param in page.params))
        urls = []
        for combo in combos:
            try:
                urls.append(reverse(page.name, kwargs=dict(zip(page.params, combo))))
            except Exception:  # a value this converter does not take
                continue
        return urls


# Query strings tried on every page without parameters: words, filters
# pointing at draft-only values, paging.
def list_queries(library):
    draft_state = library.values["iso2"][-1]
    return [
        "",
        f"?q={DRAFT_WORD}",
        "?q=trafficking",
        "?year=2031",
        "?year_from=2031&year_to=2031",
        f"?country={draft_state}",
        "?topic=draft-only-topic",
        "?representative=draft-only-representative",
        "?body=mc&ordering=symbol",
        "?status=implemented",
        "?page=2",
    ]


def build_library():
    """Published records and drafts that touch them in every way a leak could
    happen: same topics and States, relations both ways, follow-ups citing a
    draft, a partner endorsing only a draft, files on both."""
    state = StateFactory(iso2="XA", name="Testland Published")
    draft_state = StateFactory(iso2="XB", name="Testland of drafts only")
    topic = TopicFactory(slug="shared-topic", name="Shared topic")
    draft_topic = TopicFactory(slug="draft-only-topic", name="Topic of drafts only")
    representative = SpecialRepresentativeFactory(slug="published-representative")
    draft_representative = SpecialRepresentativeFactory(slug="draft-only-representative", name="Drafting Representative")
    partner = PartnerFactory(slug="endorses-drafts-only", name="Partner of drafts only")

    decision = DecisionFactory(published=True, topics=[topic], states=[state], title="Decision on trafficking")
    mc_decision = DecisionFactory(
        published=True, body=Body.MINISTERIAL_COUNCIL, number=88, adopted_on=datetime.date(2019, 11, 30)
    )
    report = ReportFactory(published=True, country=state, representative=representative, topics=[topic])
    VisitPeriodFactory(report=report)
    recommendation = RecommendationFactory(report=report, text="Train the labour inspectors on trafficking.")
    event = EventFactory(published=True, topics=[topic], host_country=state)
    statement = StatementFactory(published=True, topics=[topic])
    published = [decision, mc_decision, report, event, statement]
    AttachmentFactory(document=decision, original_name="published-decision.pdf")

    secret = f"{DRAFT_WORD} secret"
    draft_decision = DecisionFactory(
        title=f"{secret} decision",
        summary=f"{secret} summary",
        adopted_on=datetime.date(2031, 1, 5),
        published_on=datetime.date(2031, 1, 5),
        topics=[topic, draft_topic],
        states=[state, draft_state],
    )
    draft_mc = DecisionFactory(
        title=f"{secret} ministerial decision",
        body=Body.MINISTERIAL_COUNCIL,
        number=99,
        adopted_on=datetime.date(2031, 12, 1),
        published_on=datetime.date(2031, 12, 1),
    )
    draft_report = ReportFactory(
        title=f"{secret} report",
        country=draft_state,
        representative=draft_representative,
        topics=[draft_topic],
        published_on=datetime.date(2031, 3, 3),
        promising_practices=secret,
    )
    VisitPeriodFactory(report=draft_report, start_on=datetime.date(2031, 2, 1))
    FollowUpFactory(
        recommendation=RecommendationFactory(report=draft_report, text=f"{secret} recommendation"),
        note=f"{secret} note",
        status="implemented",
    )
    FollowUpFactory(recommendation=recommendation, source=draft_report, note="Assessed in a later visit.")
    draft_event = EventFactory(
        title=f"{secret} event",
        event_kind=EventKind.WORKSHOP,
        host_country=draft_state,
        start_on=datetime.date(2031, 4, 1),
        end_on=datetime.date(2031, 4, 2),
        topics=[draft_topic],
    )
    draft_statement = StatementFactory(title=f"{secret} statement", issued_on=datetime.date(2031, 5, 1))
    draft_statement.endorsed_by.add(partner)
    RelationFactory(source=draft_decision, target=decision, kind=RelationKind.REVISES)
    RelationFactory(source=decision, target=draft_decision, kind=RelationKind.CITES)
    RelationFactory(source=draft_report, target=decision, kind=RelationKind.CITES)
    draft_file = AttachmentFactory(
        document=draft_decision,
        original_name=f"{DRAFT_WORD}-file.pdf",
        content=files.pdf_bytes([f"{secret} file text"]),
    )
    drafts = [draft_decision, draft_mc, draft_report, draft_event, draft_statement]

    attachments = [(a.pk, a.original_name) for a in (decision.attachments.get(), draft_file)]
    values = {
        "slug": [doc.slug for doc in Document.objects.all()]
        + ["shared-topic", "draft-only-topic", "no-such-page"],
        "iso2": ["xa", "it", "zz", "xb"],
        "section": ["pages", "countries", "topics", "documents", "no-such-section"],
        "symbol": [d.symbol for d in (decision, mc_decision, draft_decision, draft_mc)] + ["PC.DEC/0"],
        "pk_name": attachments + [(draft_file.pk, "other-name.pdf"), (999999, "missing.pdf")],
    }
    return Library(published=published, drafts=drafts, values=values)


def snapshot(client, url):
    """What an anonymous visitor gets at URL: status, where it redirects, body."""
    response = client.get(url)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if b"<rss" in content and b"<item>" not in content:
        # An empty feed is dated "now" by Django: the only part that changes by itself.
        content = re.sub(rb"<lastBuildDate>[^<]*</lastBuildDate>", b"", content)
    return response.status_code, response.get("Location", ""), content


def visit_everything(client, library):
    """A snapshot of every public page, with each list's queries."""
    seen = {}
    for page in public_pages():
        urls = library.urls(page)
        if not page.params:
            urls = [url + query for url in urls for query in list_queries(library)]
        for url in urls:
            seen[url] = snapshot(client, url)
    return seen


def clear_caches():
    for cache in caches.all():
        cache.clear()
