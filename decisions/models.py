"""Council decisions and the Special Representative's country-visit reports:
the "OSCE main documents"."""

import datetime

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from osce_docs.history import AuditedHistory
from osce_docs.languages import language_choices
from osce_docs.models import (
    AttachingQuerySet,
    Document,
    DocumentKind,
    DocumentQuerySet,
    SpecialRepresentative,
    State,
    Status,
)
from osce_docs.pagination import barely_narrowing
from osce_docs.reversing import reverse_slug

from .symbols import SymbolError, format_symbol


class Body(models.TextChoices):
    PERMANENT_COUNCIL = "PC", _("Permanent Council")
    MINISTERIAL_COUNCIL = "MC", _("Ministerial Council")


class DecisionQuerySet(DocumentQuerySet):
    def newest_first(self):
        # Served by the decision_adopted_order index read backwards.
        return self.order_by("-adopted_on", "-number", "-pk")

    def oldest_first(self):
        return self.order_by("adopted_on", "number", "pk")

    def by_symbol(self):
        """Symbol order: PC.DEC/99 before PC.DEC/557, MC decisions by year then number."""
        # A symbol without Rev./Add./Corr. comes before its revisions on every database.
        first = {"nulls_first": True}
        # The year in its plain order: only Ministerial Council symbols have one
        # (a constraint), so where its NULLs sort never matters, and the plain
        # order is what the (body, year, number) index holds on PostgreSQL too.
        # Each symbol's variants are then a handful of rows sorted in passing.
        return self.order_by(
            "body",
            "year",
            "number",
            F("revision").asc(**first),
            F("addendum").asc(**first),
            F("corrigendum").asc(**first),
        )

    def of_body(self, body):
        return self.filter(body=body)

    def named_or_amending(self, symbol):
        """The decision SYMBOL (a decisions.symbols.Symbol) names and those
        whose symbols continue it: PC.DEC/557 gives PC.DEC/557/Rev.1 and
        PC.DEC/557/Add.1 too, PC.DEC/557/Add.1 only its corrigenda. Read
        from the symbol's parts, so the (body, year, number) index serves it:
        a LIKE prefix on the symbol column is a full scan on SQLite."""
        lookups = {"body": symbol.body, "year": symbol.year, "number": symbol.number}
        suffixes = ("revision", "addendum", "corrigendum")
        given = [name for name in suffixes if getattr(symbol, name)]
        # Parts before the last one given are fixed (absent ones too); later ones are free.
        for name in suffixes[: suffixes.index(given[-1]) + 1] if given else ():
            lookups[name] = getattr(symbol, name)
        conditions = {}
        for name, value in lookups.items():
            if value is None:
                conditions[f"{name}__isnull"] = True
            else:
                conditions[name] = value
        return self.filter(**conditions)


class Decision(Document):
    DOCUMENT_KIND = DocumentKind.DECISION

    body = models.CharField(_("body"), max_length=2, choices=Body.choices)
    number = models.PositiveIntegerField(_("number"))
    year = models.PositiveSmallIntegerField(
        _("year in the symbol"),
        null=True,
        blank=True,
        help_text=_(
            "Ministerial Council only (MC.DEC/8/07 → 2007): its numbers restart every year. "
            "Permanent Council numbers run on and their symbols carry no year."
        ),
    )
    revision = models.PositiveSmallIntegerField(_("revision"), null=True, blank=True, help_text=_("Rev.N"))
    addendum = models.PositiveSmallIntegerField(_("addendum"), null=True, blank=True, help_text=_("Add.N"))
    corrigendum = models.PositiveSmallIntegerField(_("corrigendum"), null=True, blank=True, help_text=_("Corr.N"))
    symbol = models.CharField(
        _("symbol"), max_length=60, unique=True, editable=False, help_text=_("Derived from the parts above.")
    )
    adopted_on = models.DateField(_("adopted on"))
    meeting = models.CharField(
        _("meeting"), max_length=200, blank=True, help_text=_("e.g. 462nd Plenary Meeting, or Fifteenth Meeting")
    )
    place = models.CharField(_("place"), max_length=100, blank=True, help_text=_("City of the meeting."))
    original_language = models.CharField(
        _("original language"), max_length=3, choices=language_choices, default="en"
    )

    objects = DecisionQuerySet.as_manager()
    history = AuditedHistory(m2m_fields=["topics", "states"])

    # Searched with the title (weight A); see osce_docs/search_index.py.
    SEARCH_TITLE_FIELDS = ["symbol"]

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-adopted_on", "-number", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(body="MC") & Q(year__isnull=False)) | (Q(body="PC") & Q(year__isnull=True)),
                name="decision_year_only_for_ministerial_council",
                violation_error_message=_(
                    "Ministerial Council decisions need the year of their symbol; Permanent Council ones have none."
                ),
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="decision_number_positive"),
        ]
        indexes = [
            models.Index(fields=["body", "year", "number"], name="decision_symbol_parts"),
            # Read forwards for the oldest first, backwards for the newest first.
            models.Index(fields=["adopted_on", "number", "document_ptr"], name="decision_adopted_order"),
            # The same order within one Council: with only the index above, a
            # body filter (most decisions are the Permanent Council's) made
            # SQLite read the body's decisions through decision_symbol_parts
            # and sort them all, 97 ms at a million documents.
            models.Index(fields=["body", "adopted_on", "number", "document_ptr"], name="decision_body_adopted_order"),
        ]

    def __str__(self):
        return f"{self.symbol} {self.title}" if self.symbol else self.title

    def compute_symbol(self):
        return format_symbol(
            body=self.body,
            number=self.number,
            year=self.year,
            revision=self.revision,
            addendum=self.addendum,
            corrigendum=self.corrigendum,
        )

    def clean(self):
        super().clean()
        if self.body == Body.PERMANENT_COUNCIL and self.year:
            raise ValidationError({"year": _("Permanent Council symbols carry no year: leave it empty.")})
        if self.body == Body.MINISTERIAL_COUNCIL and not self.year:
            raise ValidationError({"year": _("A Ministerial Council symbol needs its year, as in MC.DEC/8/07.")})
        if self.body and self.number:
            try:
                self.symbol = self.compute_symbol()
            except SymbolError as error:
                raise ValidationError(str(error)) from None
            clash = Decision.objects.filter(symbol=self.symbol).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError(_("A decision with the symbol %(symbol)s exists already.") % {"symbol": self.symbol})

    def save(self, *args, **kwargs):
        self.symbol = self.compute_symbol()
        super().save(*args, **kwargs)

    @property
    def year_adopted(self):
        return self.adopted_on.year if self.adopted_on else None


class CountryVisitReportQuerySet(DocumentQuerySet):
    def newest_first(self):
        """Latest publication first (undated ones last), read in that order from
        the report table's own indexes (listing_date), also for one country."""
        return self.order_by("-listing_date", "-pk")

    def with_visit_periods(self):
        """The reports fetched come with `listed_visit_periods` (attach_visit_periods)."""
        return self.attaching(attach_visit_periods)

    def with_first_visit(self):
        first = VisitPeriod.objects.filter(report=OuterRef("pk")).order_by("start_on").values("start_on")[:1]
        return self.annotate(first_visit_on=Subquery(first))


class CountryVisitReport(Document):
    """The Special Representative's report after visiting a participating State."""

    DOCUMENT_KIND = DocumentKind.REPORT

    country = models.ForeignKey(
        State, verbose_name=_("country"), on_delete=models.PROTECT, related_name="visit_reports"
    )
    representative = models.ForeignKey(
        SpecialRepresentative,
        verbose_name=_("Special Representative"),
        on_delete=models.PROTECT,
        related_name="visit_reports",
    )
    promising_practices = models.TextField(_("promising practices"), blank=True)
    challenges = models.TextField(_("challenges"), blank=True)
    # The publication date lives on the document table and the country here,
    # so no one index could give "this country's reports, newest first": the
    # database keeps this copy on every write (triggers, migration
    # 0004_report_listing_date), and lists of reports and recommendations read
    # their order from the indexes below instead of sorting a set that grows
    # with the library. Not null (the earliest date when there is none), so
    # that SQLite can tell rows in index order apart and read each report's
    # recommendations in number order straight after it.
    listing_date = models.DateField(
        _("listing date"),
        default=datetime.date.min,
        editable=False,
        help_text=_("The publication date, copied by the database for ordering lists."),
    )

    objects = CountryVisitReportQuerySet.as_manager()
    history = AuditedHistory(m2m_fields=["topics", "states"], excluded_fields=["listing_date"])

    # Searched with the summary (weight B), as are the recommendations.
    SEARCH_TEXT_FIELDS = ["promising_practices", "challenges"]

    @classmethod
    def search_related_texts(cls, ids):
        texts = {}
        rows = Recommendation.objects.filter(report_id__in=ids).order_by("report_id", "number")
        for report_id, text in rows.values_list("report_id", "text"):
            texts.setdefault(report_id, []).append(text)
        return texts

    class Meta:
        verbose_name = _("country-visit report")
        verbose_name_plural = _("country-visit reports")
        ordering = ["-listing_date", "-pk"]
        # Unique (trivially: the key is in them) so that SQLite knows each index
        # entry is one report and needs no sort after it.
        constraints = [
            models.UniqueConstraint(fields=["listing_date", "document_ptr"], name="report_listing_order"),
            models.UniqueConstraint(
                fields=["country", "listing_date", "document_ptr"], name="report_country_listing_order"
            ),
        ]
        indexes = [
            # The sampled count (osce_docs/pagination.py) reads runs of
            # consecutive ids: with the filters' columns beside the id, both
            # databases read them from this index, not from rows holding the
            # report's texts.
            models.Index(
                fields=["document_ptr", "country", "representative", "listing_date"], name="report_id_filters"
            ),
            # A Representative's reports newest first, and the candidates of a
            # count filtered by a Representative and years, read in one range.
            # An index, not a unique constraint like the country's: adding a
            # constraint makes Django rebuild the table on SQLite.
            models.Index(
                fields=["representative", "listing_date", "document_ptr"], name="report_representative_listing"
            ),
        ]


class VisitPeriod(models.Model):
    report = models.ForeignKey(
        CountryVisitReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="visit_periods"
    )
    start_on = models.DateField(_("first day"))
    end_on = models.DateField(_("last day"))

    history = AuditedHistory()

    class Meta:
        verbose_name = _("visit period")
        verbose_name_plural = _("visit periods")
        ordering = ["start_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=F("start_on")),
                name="visit_period_ends_after_start",
                violation_error_message=_("A visit cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.start_on:%d %b %Y} – {self.end_on:%d %b %Y}"

    def clean(self):
        if self.start_on and self.end_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": _("A visit cannot end before it starts.")})


class RecommendationArea(models.TextChoices):
    PREVENTION = "prevention", _("prevention")
    PROTECTION = "protection", _("protection")
    PROSECUTION = "prosecution", _("prosecution")
    PARTNERSHIP = "partnership", _("partnership")
    COORDINATION = "coordination", _("policy and co-ordination")
    DATA = "data", _("data and research")
    OTHER = "other", _("other")


class FollowUpStatus(models.TextChoices):
    IMPLEMENTED = "implemented", _("implemented")
    PARTIAL = "partial", _("partially implemented")
    NOT_IMPLEMENTED = "not_implemented", _("not implemented")
    NO_INFORMATION = "no_information", _("no information")


class RecommendationQuerySet(AttachingQuerySet):
    def published(self):
        """Recommendations of published reports: the only ones the public sees."""
        return self.filter(report__status=Status.PUBLISHED)

    def public(self):
        return self.published()

    def for_country(self, state):
        """Of STATE's reports. On SQLite the copy of the country that each
        recommendation keeps is asked for too: the sampled count's runs then
        read only the country's recommendations of an area and status, from
        `recommendation_explorer` (decisions 0014). Told that the copy
        hardly narrows the list, SQLite still walks the country's reports in
        order for a page, rather than gather every match from that index and
        sort them (2,494 at a million: 0.2 -> 7.6 ms)."""
        recommendations = self.filter(report__country=state)
        if connections[self.db].vendor == "sqlite":
            recommendations = recommendations.filter(barely_narrowing(Exact(F("country"), getattr(state, "pk", state))))
        return recommendations

    def newest_first(self):
        """The newest report's recommendations first, each report's in number
        order: the report table's listing index, then the (report, number) key,
        with no sort, whatever the filters."""
        return self.order_by(F("report__listing_date").desc(), _ReportKey().desc(), "number")

    def for_listing(self):
        """With their report, its country and representative, the latest
        follow-up status and every follow-up in date order: a fixed number of queries."""
        return self.select_related("report", "report__country", "report__representative").attaching(
            attach_listed_follow_ups
        )

    def search(self, query):
        """Recommendations whose text holds QUERY's words (osce_docs.search.filter_recommendations)."""
        from osce_docs.search import filter_recommendations

        return filter_recommendations(self, query)



def attach_visit_periods(reports):
    """Give each of REPORTS `listed_visit_periods`: its visits as (first day,
    last day) in date order, read in one query of plain rows (a prefetch
    building a model for each cost a third of a list of reports)."""
    by_report = {}
    if reports:
        rows = (
            VisitPeriod.objects.filter(report_id__in=[report.pk for report in reports])
            .order_by("start_on", "end_on")
            .values_list("report_id", "start_on", "end_on")
        )
        for report_id, start_on, end_on in rows:
            by_report.setdefault(report_id, []).append((start_on, end_on))
    for report in reports:
        report.listed_visit_periods = by_report.get(report.pk, [])
    return reports


def attach_listed_follow_ups(recommendations):
    """Give each of RECOMMENDATIONS `listed_follow_ups`: its follow-ups in date
    order as (assessed on, status, note, source), the source a published
    document's (address, title) or None, read in one query of plain rows."""
    by_recommendation = {}
    if recommendations:
        rows = (
            FollowUp.objects.filter(recommendation_id__in=[recommendation.pk for recommendation in recommendations])
            .order_by("assessed_on", "pk")
            .values_list(
                "recommendation_id", "assessed_on", "status", "note",
                "source__status", "source__kind", "source__slug", "source__title",
            )  # fmt: skip
        )
        for recommendation_id, assessed_on, status, note, source_status, kind, slug, title in rows:
            source = None
            if source_status == Status.PUBLISHED:
                source = (reverse_slug(Document.DETAIL_URL_NAMES[kind], slug), title)
            by_recommendation.setdefault(recommendation_id, []).append((assessed_on, status, note, source))
    for recommendation in recommendations:
        recommendation.listed_follow_ups = by_recommendation.get(recommendation.pk, [])
    return recommendations


class _ReportKey(F):
    """The report's own key, as the report table's column.

    `report__pk` would name the recommendation's report_id instead (Django
    skips the join), and SQLite reads rows in index order only for ORDER BY
    terms on the table that index belongs to."""

    def __init__(self):
        super().__init__("report__listing_date")

    def resolve_expression(self, *args, **kwargs):
        listing_date = super().resolve_expression(*args, **kwargs)
        return listing_date.__class__(listing_date.alias, CountryVisitReport._meta.pk)


class Recommendation(models.Model):
    report = models.ForeignKey(
        CountryVisitReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="recommendations"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    area = models.CharField(_("area"), max_length=15, choices=RecommendationArea.choices)
    text = models.TextField(_("recommendation"))
    # The status of its latest follow-up (by date, then the later record),
    # kept by the database on every write of a follow-up (triggers, migration
    # 0005_recommendation_latest_status): filtering by it reads an index instead
    # of working it out from the follow-ups for every recommendation read.
    latest_status = models.CharField(
        _("latest follow-up status"),
        max_length=16,
        choices=FollowUpStatus.choices,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Kept by the database from the follow-up assessments; empty when none."),
    )

    # Its report's country, kept by the database (triggers, migration
    # 0013_recommendation_country): on SQLite the explorer's sampled count
    # reads it beside the area and status (`recommendation_explorer`), and
    # joins only the recommendations of that country to their reports.
    country = models.ForeignKey(
        State,
        verbose_name=_("country"),
        on_delete=models.DO_NOTHING,
        related_name="+",
        null=True,
        editable=False,
        db_index=False,
        help_text=_("Kept by the database from the report."),
    )

    objects = RecommendationQuerySet.as_manager()
    history = AuditedHistory(excluded_fields=["latest_status", "country"])

    # Its text is part of its report's search entry.
    SEARCH_DOCUMENT_FIELD = "report"

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["report_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"],
                name="recommendation_number_unique_in_report",
                violation_error_message=_("Two recommendations of one report cannot share a number."),
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="recommendation_number_positive"),
        ]
        indexes = [
            models.Index(fields=["area"], name="recommendation_area"),
            # The status (and area) filters, report by report as the lists read
            # the reports newest first. Deliberately no index led by the status:
            # the database would take it to gather every match and sort them
            # all, a set that grows with the library, instead of walking the
            # reports in order and stopping at a page.
            # With the country: the explorer's count checks the copy here (SQLite).
            models.Index(fields=["report", "latest_status", "area", "country"], name="recommendation_report_status"),
            # The sampled count (osce_docs/pagination.py) reads runs of
            # consecutive ids: with what the filters ask of a recommendation
            # beside its id, PostgreSQL reads them from this index alone, not
            # from rows holding the text (the explorer at a million: 28 -> 20 ms).
            models.Index(fields=["id", "area", "latest_status", "report"], name="recommendation_id_filters"),
            # SQLite also has `recommendation_explorer` (area, latest_status,
            # country, id, report), created by migration 0014 for SQLite only:
            # the explorer's sampled count reads its runs from it.
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:80]}"

    def get_absolute_url(self):
        return f"{self.report.get_absolute_url()}#recommendation-{self.number}"


class FollowUp(models.Model):
    """A later assessment of what became of a recommendation."""

    recommendation = models.ForeignKey(
        Recommendation, verbose_name=_("recommendation"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    assessed_on = models.DateField(_("assessed on"))
    status = models.CharField(_("status"), max_length=16, choices=FollowUpStatus.choices)
    note = models.TextField(_("note"), blank=True)
    source = models.ForeignKey(
        Document,
        verbose_name=_("source document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups_sourced",
        help_text=_("Where the assessment comes from, such as a later visit's report."),
    )

    history = AuditedHistory()

    class Meta:
        verbose_name = _("follow-up assessment")
        verbose_name_plural = _("follow-up assessments")
        ordering = ["assessed_on", "id"]
        indexes = [models.Index(fields=["recommendation", "assessed_on", "id"], name="followup_latest")]

    def __str__(self):
        return f"{self.assessed_on}: {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse_slug("decisions:report_detail", self.recommendation.report.slug)
