"""The scenarios ``manage.py benchmark`` measures, and how.

Every request goes through Django's full handler and middleware in this
process (``django.test.Client``), beside a bare view that returns a short
constant response through the same stack: the ratio to that floor is the
figure that compares between machines. Times are server times (no network,
no browser). The query count comes from one extra request per scenario with
the queries captured, so that capturing does not slow the timed ones.

A scenario whose page does not exist (yet) is reported as "not available".

This module is also the URLconf the command runs under: the project's URLs
plus the bare view at an address no one links to.
"""

import contextlib
import gc
import json
import logging
import math
import os
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass, field

from django.core.cache import caches
from django.db import connection, transaction
from django.http import HttpResponse
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, Resolver404, include, path, resolve, reverse
from django.utils.functional import SimpleLazyObject
from django.views.generic import ListView

BARE_PATH = "/__benchmark__/bare/"
MINIMAL_LIST_PATH = "/__benchmark__/minimal-list/"
DOWNLOAD_MB = 200
# The bare view and Django's minimal list: measured in every run, never from the page cache.
REFERENCE_GROUPS = {"floor", "reference"}


def bare_view(request):
    return HttpResponse("ok", content_type="text/plain")


# One line per row: the least a Django template can draw for a list.
MINIMAL_LIST_TEMPLATE = SimpleLazyObject(
    lambda: engines["django"].from_string(
        "<!doctype html><html lang=\"en\"><title>Documents</title><h1>Documents</h1><ul>"
        "{% for document in object_list %}"
        '<li><a href="{{ document.get_absolute_url }}">{{ document.title }}</a> {{ document.published_on|date:"j F Y" }}</li>'
        "{% endfor %}</ul>"
    )
)


class MinimalListView(ListView):
    """Django's own floor for a list page: a generic ListView of the 25 newest
    published documents (four columns, read along the primary key, no count,
    no filters) drawn by a one-line-per-row template, through the same
    middleware. The site's lists do much more; this row says how much of
    their ratio to the bare view Django's ORM and template engine take
    before any of the site's code runs."""

    def get_queryset(self):
        from .models import Document

        return Document.objects.published().only("kind", "slug", "title", "published_on").order_by("-pk")[:25]

    def render_to_response(self, context, **response_kwargs):
        return HttpResponse(MINIMAL_LIST_TEMPLATE.render(context, self.request))


urlpatterns = [
    path(BARE_PATH.strip("/") + "/", bare_view),
    path(MINIMAL_LIST_PATH.strip("/") + "/", MinimalListView.as_view()),
    path("", include("osce_docs.urls")),
]


@dataclass
class Result:
    scenario: str
    group: str
    url: str = ""
    available: bool = True
    note: str = ""
    status: int | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    size: int | None = None
    ratio_p50: float | None = None
    ratio_p95: float | None = None
    # The same page again from the page cache (nothing changed since it was stored).
    cached_p50_ms: float | None = None
    cached_p95_ms: float | None = None
    cached_queries: int | None = None
    cached_ratio_p95: float | None = None
    extra: dict = field(default_factory=dict)

    def as_dict(self):
        return asdict(self)


class NotAvailable(Exception):
    pass


def percentile(values, fraction):
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _content_length(response):
    if getattr(response, "streaming", False):
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


# --- what to request ----------------------------------------------------------


def _url(name, *args, query=""):
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        raise NotAvailable(f"no page named {name}") from None
    return url + (f"?{query}" if query else "")


def _path(url):
    """A literal address, available only when something answers there."""
    try:
        resolve(url.split("?")[0])
    except Resolver404:
        raise NotAvailable(f"nothing at {url.split('?')[0]}") from None
    return url


def _first(queryset, what):
    record = queryset.first()
    if record is None:
        raise NotAvailable(f"no published {what} in the database")
    return record


def _absolute(record):
    try:
        return record.get_absolute_url()
    except NoReverseMatch as error:
        raise NotAvailable(str(error)) from None


def _country():
    from .models import State

    state = State.objects.filter(iso2="IT").first() or State.objects.participating().first()
    if state is None:
        raise NotAvailable("no States in the database")
    return state


def _report_of_a_usual_length(usual=15, among=200):
    """Of the newest AMONG published reports, the newest with the number of
    recommendations nearest USUAL (the demo gives 5 to 30). A report's page
    lists them all, so the newest report alone compared pages of different
    lengths: 13,647 bytes at 10,000 documents, 24,701 at a million."""
    from django.db.models import Count, F
    from django.db.models.functions import Abs

    from decisions.models import CountryVisitReport

    newest = CountryVisitReport.objects.published().order_by("-pk").values_list("pk", flat=True)[:among]
    reports = (
        CountryVisitReport.objects.filter(pk__in=list(newest))
        .annotate(listed=Count("recommendations"))
        .order_by(Abs(F("listed") - usual), "-pk")
    )
    return _first(reports, "report")


def _fullest(queryset, field):
    """The value of FIELD held by the most rows of QUERYSET (ties: the first
    value). Filters chosen this way fill a page at 10,000 documents as at a
    million, so the two sizes compare pages of the same length: Italy's 8
    reports at 10,000 made a page of 8 cards, its 1,435 at a million a page
    of 25."""
    from django.db.models import Count

    row = (
        queryset.filter(**{f"{field}__isnull": False})
        .values(field)
        .annotate(rows=Count("pk"))
        .order_by("-rows", field)
        .first()
    )
    if row is None:
        raise NotAvailable(f"no published rows with a {field.replace('__', ' ')}")
    return row[field]


def _reports_of_one_country():
    from decisions.models import CountryVisitReport

    return f"country={_fullest(CountryVisitReport.objects.published(), 'country__iso2').lower()}"


def _reports_of_a_representative_on_a_topic():
    from decisions.models import CountryVisitReport

    reports = CountryVisitReport.objects.published()
    representative = _fullest(reports, "representative__slug")
    since = reports.filter(representative__slug=representative, published_on__year__gte=2010)
    return f"representative={representative}&year_from=2010&topic={_fullest(since, 'topics__slug')}"


def _recommendations_of_one_country():
    from decisions.models import Recommendation

    unassessed = Recommendation.objects.published().filter(area="prevention", latest_status__isnull=True)
    return f"country={_fullest(unassessed, 'report__country__iso2').lower()}&area=prevention&status=none"


def _symbol():
    from decisions.models import Decision

    return _first(Decision.objects.published().filter(revision__isnull=False).order_by("-pk"), "revised decision").symbol


def _deep_sitemap_page():
    """The deepest full page of the documents' sitemap (the last one may hold a few ids only)."""
    from .sitemaps import DocumentSitemap

    url = _url("sitemap_section", "documents")
    return f"{url}?p={max(1, DocumentSitemap().paginator.num_pages - 1)}"


def deepest_page(deep_page):
    """Lists serve pages only within their result window (osce_docs/pagination.py):
    a deep page is page DEEP_PAGE or the deepest one served, whichever comes
    first."""
    from .pagination import result_window
    from .views import PAGE_SIZE

    return max(1, min(deep_page, result_window() // PAGE_SIZE))


def scenarios(deep_page=2000):
    """(name, group, a function giving the address or raising NotAvailable)."""
    from alliance.models import AllianceEvent, AllianceStatement
    from decisions.models import Decision

    def deep_query():
        # At or past the deepest page a list serves, ask for its last page: page 40
        # of a long list, the real last page of a short one (never a 404).
        served = deepest_page(deep_page)
        return "page=last" if served == deepest_page(math.inf) else f"page={served}"

    def lists(prefix, name, one, three):
        """ONE and THREE: a query string, or a function that picks one from the corpus."""

        def query(filters):
            return filters() if callable(filters) else filters

        return [
            (f"{prefix}: no filter", "list", lambda: _url(name)),
            (f"{prefix}: one filter", "list", lambda: _url(name, query=query(one))),
            (f"{prefix}: three filters", "list", lambda: _url(name, query=query(three))),
            (f"{prefix}: deep page", "list", lambda: _url(name, query=deep_query())),
        ]

    return [
        ("bare Django view", "floor", lambda: BARE_PATH),
        ("minimal Django list (25 rows)", "reference", lambda: MINIMAL_LIST_PATH),
        ("home", "list", lambda: _path("/")),
        *lists("decisions", "decisions:decision_list", "body=pc", "body=pc&year_from=2000&topic=prevention"),
        *lists("reports", "decisions:report_list", _reports_of_one_country, _reports_of_a_representative_on_a_topic),
        *lists(
            "recommendations",
            "decisions:recommendation_list",
            "area=protection",
            "area=protection&year_from=2010&status=implemented",
        ),
        *lists("alliance events", "alliance:event_list", "kind=conference", "kind=workshop&year_from=2010&topic=prevention"),
        ("alliance statements", "list", lambda: _url("alliance:statement_list")),
        ("alliance partners", "list", lambda: _url("alliance:partner_list")),
        ("countries", "list", lambda: _url("core:country_list")),
        (
            "decision detail",
            "detail",
            lambda: _absolute(_first(Decision.objects.published().filter(revision__isnull=False).order_by("-pk"), "decision")),
        ),
        ("report detail", "detail", lambda: _absolute(_report_of_a_usual_length())),
        ("event detail", "detail", lambda: _absolute(_first(AllianceEvent.objects.published().order_by("-pk"), "event"))),
        (
            "statement detail",
            "detail",
            lambda: _absolute(_first(AllianceStatement.objects.published().order_by("-pk"), "statement")),
        ),
        ("country dossier", "detail", lambda: _absolute(_country())),
        ("topic page", "detail", lambda: _url("core:topic_detail", "prevention")),
        (
            "recommendations explorer: country, area, status",
            "list",
            lambda: _url("decisions:recommendation_list", query=_recommendations_of_one_country()),
        ),
        # The same words as a list's filter: the list's own order, not the search page's ranking.
        ("decisions: a common word", "list", lambda: _url("decisions:decision_list", query="q=trafficking")),
        (
            "decisions: a common word, deep page",
            "list",
            lambda: _url("decisions:decision_list", query=f"q=trafficking&{deep_query()}"),
        ),
        ("decisions: a phrase", "list", lambda: _url("decisions:decision_list", query="q=%22national+referral+mechanism%22")),
        # Common in the library, in no synthetic report: the list must not read every report to find none.
        ("reports: a phrase of other kinds", "list", lambda: _url("decisions:report_list", query="q=%22national+referral+mechanism%22")),
        (
            "recommendations: a phrase",
            "list",
            lambda: _url("decisions:recommendation_list", query="q=%22national+referral+mechanism%22"),
        ),
        ("recommendations: a common word", "list", lambda: _url("decisions:recommendation_list", query="q=trafficking")),
        ("search: common word", "search", lambda: _url("search:search", query="q=trafficking")),
        ("search: rare word", "search", lambda: _url("search:search", query="q=Schuldknechtschaft")),
        ("search: phrase", "search", lambda: _url("search:search", query="q=%22national+referral+mechanism%22")),
        # Common words, rarely in this order: the index must not hand over every document holding them.
        ("search: phrase, unusual order", "search", lambda: _url("search:search", query="q=%22mechanism+referral+national%22")),
        ("search: symbol", "search", lambda: _url("search:search", query=f"q={_symbol()}")),
        ("feed: latest", "feed", lambda: _path("/feeds/latest/")),
        ("sitemap index", "feed", lambda: _path("/sitemap.xml")),
        ("sitemap: deep section page", "feed", _deep_sitemap_page),
    ]


def admin_scenarios():
    """What staff open most in the admin, measured logged in as a temporary
    superuser (rolled back afterwards): never from the page cache."""
    from decisions.models import Decision

    def changelist(model, query=""):
        return lambda: _url(f"admin:{model}_changelist", query=query)

    def latest_year():
        latest = Decision.objects.order_by("-adopted_on").values_list("adopted_on", flat=True).first()
        if latest is None:
            raise NotAvailable("no decisions in the database")
        return f"adopted_on__year={latest.year}"

    return [
        ("admin: all documents", "admin", changelist("osce_docs_document")),
        ("admin: decisions", "admin", changelist("decisions_decision")),
        ("admin: decisions, drafts", "admin", changelist("decisions_decision", "status__exact=draft")),
        ("admin: decisions, a year", "admin", lambda: _url("admin:decisions_decision_changelist", query=latest_year())),
        ("admin: decisions, search a common word", "admin", changelist("decisions_decision", "q=trafficking")),
        ("admin: recommendations, search a rare word", "admin", changelist("decisions_recommendation", "q=Schuldknechtschaft")),
        ("admin: files", "admin", changelist("osce_docs_attachment")),
        ("admin: follow-ups", "admin", changelist("decisions_followup")),
        (
            "admin: picking a document (autocomplete)",
            "admin",
            lambda: _url(
                "admin:autocomplete",
                query="app_label=osce_docs&model_name=attachment&field_name=document&term=trafficking",
            ),
        ),
    ]


# --- measuring ----------------------------------------------------------------


def measure(client, url, requests, warmup=2):
    for _ in range(warmup):
        response = client.get(url)
        _content_length(response)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        size = _content_length(response)
    # Read now: the log goes when the connection closes after a later request.
    queries = len(captured.captured_queries)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        _content_length(response)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "status": response.status_code,
        "p50_ms": statistics.median(times),
        "p95_ms": percentile(times, 0.95),
        "queries": queries,
        "size": size,
    }


def _rss_kb(field_name):
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


@contextlib.contextmanager
def peak_rss_increase():
    """The rise of this process's peak resident memory (kB) inside the block.
    Linux resets the peak ("VmHWM") when 5 is written to /proc/self/clear_refs."""
    result = {}
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        baseline = _rss_kb("VmRSS")
    except OSError:
        baseline = None
    yield result
    if baseline is not None:
        peak = _rss_kb("VmHWM")
        result["peak_rss_increase_kb"] = max(0, peak - baseline) if peak is not None else None


def measure_download(client, megabytes=DOWNLOAD_MB):
    """Serve a MEGABYTES file attached to a temporary published document (rolled back
    afterwards; the file lives in a temporary folder)."""
    from .models import Attachment, Document, Status

    try:
        reverse("core:attachment_download", args=[1, "file.pdf"])
    except NoReverseMatch:
        raise NotAvailable("no page named core:attachment_download") from None
    with tempfile.TemporaryDirectory(prefix="osce-benchmark-") as media:
        name = "attachments/benchmark/large-file.pdf"
        os.makedirs(os.path.join(media, os.path.dirname(name)))
        block = os.urandom(1024 * 1024)
        with open(os.path.join(media, name), "wb") as handle:
            handle.write(b"%PDF-1.4\n")
            for _ in range(megabytes):
                handle.write(block)
        size = os.path.getsize(os.path.join(media, name))
        storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
        with override_settings(MEDIA_ROOT=media, STORAGES={**_settings_storages(), **storages}):
            with transaction.atomic():
                document = Document.objects.create(
                    title="Benchmark download",
                    slug="benchmark-download-temporary",
                    status=Status.PUBLISHED,
                    synthetic=True,
                )
                attachment = Attachment.objects.create(
                    document=document,
                    file=name,
                    original_name="large-file.pdf",
                    size=size,
                    sha256="0" * 64,
                    content_type="application/pdf",
                )
                try:
                    url = _absolute(attachment)
                    _path(url)
                    with CaptureQueriesContext(connection) as captured:
                        with peak_rss_increase() as memory:
                            started = time.perf_counter()
                            response = client.get(url)
                            received = _content_length(response)
                            elapsed = time.perf_counter() - started
                finally:
                    transaction.set_rollback(True)
    return {
        "url": url,
        "status": response.status_code,
        "p50_ms": elapsed * 1000,
        "p95_ms": elapsed * 1000,
        "queries": len(captured.captured_queries),
        "size": received,
        "extra": {
            "throughput_mb_s": round(received / 1024 / 1024 / elapsed, 1) if elapsed else None,
            **memory,
        },
    }


def _temporary_superuser():
    import secrets

    from django.contrib.auth import get_user_model

    name = f"benchmark-{secrets.token_hex(6)}"
    return get_user_model().objects.create_superuser(name, f"{name}@example.org", secrets.token_urlsafe(24))


def _settings_storages():
    from django.conf import settings

    return dict(settings.STORAGES)


def measure_cached(client, url, requests):
    """The page served from the page cache: stored by the warm-up requests."""
    with override_settings(PAGE_CACHE_SECONDS=600):
        figures = measure(client, url, requests)
    return {"cached_p50_ms": figures["p50_ms"], "cached_p95_ms": figures["p95_ms"], "cached_queries": figures["queries"]}


def run(*, requests=20, deep_page=2000, download_mb=DOWNLOAD_MB, only=None, progress=None):
    """Measure every scenario, rendered (the page cache off) and again from the
    page cache; returns the Results, the bare view's first."""
    # A 404 asked for on purpose is not worth a log line per request.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    # As the app server's process does once the site is loaded (osce_docs/wsgi.py).
    gc.freeze()
    try:
        return _run(requests=requests, deep_page=deep_page, download_mb=download_mb, only=only, progress=progress)
    finally:
        gc.unfreeze()


def _run(*, requests, deep_page, download_mb, only, progress):
    results = []
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False, ALLOWED_HOSTS=["testserver"], PAGE_CACHE_SECONDS=0):
        caches["default"].clear()
        client = Client(raise_request_exception=True)
        floor = None

        def wanted(name, group):
            return not only or group in REFERENCE_GROUPS or any(word in name for word in only)

        def record(name, group, take):
            """The Result of TAKE(result), which returns the figures; a page
            that fails is a finding, not a crash of the benchmark."""
            result = Result(scenario=name, group=group)
            try:
                figures = take(result)
            except NotAvailable as reason:
                result.available, result.note = False, f"not available ({reason})"
            except Exception as error:
                result.available, result.note = False, f"error: {type(error).__name__}: {error}"[:200]
            else:
                for key, value in figures.items():
                    setattr(result, key, value)
                if result.status != 200:
                    result.note = f"HTTP {result.status}"
            results.append(result)
            if progress:
                progress(result)
            return result

        def page(client, address, group):
            def take(result):
                result.url = address()
                figures = measure(client, result.url, requests)
                if group not in {*REFERENCE_GROUPS, "admin"} and figures["status"] == 200:
                    figures.update(measure_cached(client, result.url, requests))
                return figures

            return take

        for name, group, address in scenarios(deep_page):
            if wanted(name, group):
                result = record(name, group, page(client, address, group))
                floor = result if group == "floor" else floor
        staff_pages = [scenario for scenario in admin_scenarios() if wanted(*scenario[:2])]
        if staff_pages:
            with transaction.atomic():
                staff = Client(raise_request_exception=True)
                staff.force_login(_temporary_superuser())
                for name, group, address in staff_pages:
                    record(name, group, page(staff, address, group))
                transaction.set_rollback(True)
        if download_mb and (not only or any("download" in word for word in only)):
            record(f"download {download_mb} MB file", "download", lambda result: measure_download(client, download_mb))
    if floor and floor.p50_ms:
        for result in results:
            if result.available and result.p50_ms is not None and result.group != "download":
                result.ratio_p50 = result.p50_ms / floor.p50_ms
                result.ratio_p95 = result.p95_ms / floor.p95_ms
                if result.cached_p95_ms is not None:
                    result.cached_ratio_p95 = result.cached_p95_ms / floor.p95_ms
    return results


def corpus_summary():
    from alliance.models import AllianceEvent, AllianceStatement
    from decisions.models import CountryVisitReport, Decision, Recommendation

    from .models import Attachment, Document

    return {
        "database": connection.vendor,
        "documents": Document.objects.count(),
        "published": Document.objects.published().count(),
        "synthetic": Document.objects.filter(synthetic=True).count(),
        "decisions": Decision.objects.count(),
        "reports": CountryVisitReport.objects.count(),
        "events": AllianceEvent.objects.count(),
        "statements": AllianceStatement.objects.count(),
        "recommendations": Recommendation.objects.count(),
        "attachments": Attachment.objects.count(),
    }


def load_baseline(path):
    """The p95 of each scenario in a JSON file written by `benchmark --json`."""
    with open(path, encoding="utf-8") as handle:
        payload = json.load(handle)
    figures = {row["scenario"]: row.get("p95_ms") for row in payload.get("results", ()) if row.get("available")}
    return payload.get("corpus", {}), figures


def format_table(results, baseline=None):
    """The results as a Markdown table; with BASELINE (scenario -> p95 ms), a
    column with each p95 as a multiple of the baseline's: the flat-cost
    figure when the baseline ran on a smaller corpus."""
    header = ("scenario", "p50 ms", "p95 ms", "queries", "bytes", "p95/bare", "cached p95 ms", "cached/bare", "note")
    if baseline is not None:
        header = (*header[:-1], "p95/baseline", header[-1])
    rows = []
    for r in results:
        if not r.available:
            rows.append((r.scenario, "", "", "", "", "", "", "", *([""] if baseline is not None else []), r.note))
            continue
        note = r.note
        if r.group == "download":
            extra = r.extra
            note = " ".join(
                filter(
                    None,
                    [
                        note,
                        f"{extra.get('throughput_mb_s')} MB/s",
                        f"peak RSS +{extra['peak_rss_increase_kb'] / 1024:.1f} MB"
                        if extra.get("peak_rss_increase_kb") is not None
                        else "",
                    ],
                )
            )
        rows.append(
            (
                r.scenario,
                f"{r.p50_ms:.1f}",
                f"{r.p95_ms:.1f}",
                str(r.queries),
                f"{r.size:,}",
                f"{r.ratio_p95:.1f}" if r.ratio_p95 is not None else "",
                f"{r.cached_p95_ms:.1f}" if r.cached_p95_ms is not None else "",
                f"{r.cached_ratio_p95:.1f}" if r.cached_ratio_p95 is not None else "",
                *([_versus(r, baseline)] if baseline is not None else []),
                note,
            )
        )
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = ["| " + " | ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(header)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        lines.append("| " + " | ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)) + " |")
    return "\n".join(lines)


def _versus(result, baseline):
    before = baseline.get(result.scenario)
    if not before or result.p95_ms is None or result.group == "download":
        return ""
    return f"{result.p95_ms / before:.2f}"
