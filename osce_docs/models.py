"""The shared core: reference data (States, topics, Special Representatives),
the document every published record is, the typed relations between
documents, and the files attached to them."""

import uuid
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import connections, models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .history import AuditedHistory
from .languages import language_choices
from .reversing import reverse_file, reverse_slug


class DatePrecision(models.TextChoices):
    """How much of a stored date the sources confirm: '2004-05-01' stored with
    MONTH precision is shown as 'May 2004'."""

    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class StateQuerySet(models.QuerySet):
    def participating(self):
        return self.filter(group=State.Group.PARTICIPATING)

    def partners(self):
        return self.exclude(group=State.Group.PARTICIPATING)

    def with_document_counts(self):
        """Each State with `document_total`: the published documents concerning it
        (see DocumentQuerySet.concerning), read from the counts the database
        keeps (StateDocumentCount): one small grouped read, whatever the size
        of the library."""
        kept = StateDocumentCount.objects.filter(state=OuterRef("pk")).order_by().values("state_id")
        total = kept.annotate(total=Sum("count")).values("total")
        return self.annotate(document_total=Coalesce(Subquery(total), 0))

    def with_counts_by_kind(self):
        """Each State with `concerning_<kind>` (its published documents of each
        kind) and `published_<kind>` (the library's): kept counts, read in the
        same query as the State.

        Written as SQL: the same eight scalar subqueries built as ORM
        expressions took 2.4 ms to compile, six times the query itself."""
        quote = connections[self.db].ops.quote_name
        state_counts, library_counts = StateDocumentCount._meta.db_table, DocumentCount._meta.db_table
        state_id = f"{quote(self.model._meta.db_table)}.{quote(self.model._meta.pk.column)}"
        concerning = (
            f"SELECT COALESCE(MAX({quote('count')}), 0) FROM {quote(state_counts)} "
            f"WHERE {quote('state_id')} = {state_id} AND {quote('kind')} = %s"
        )
        published = (
            f"SELECT COALESCE(MAX({quote('count')}), 0) FROM {quote(library_counts)} "
            f"WHERE {quote('kind')} = %s AND {quote('status')} = %s"
        )
        counts = {}
        for kind in DocumentKind.values:
            counts[f"concerning_{kind}"] = RawSQL(concerning, [kind], output_field=models.BigIntegerField())
            counts[f"published_{kind}"] = RawSQL(
                published, [kind, Status.PUBLISHED], output_field=models.BigIntegerField()
            )
        return self.annotate(**counts)


class State(models.Model):
    """An OSCE participating State or a Partner for Co-operation."""

    class Group(models.TextChoices):
        PARTICIPATING = "participating", _("participating State")
        MEDITERRANEAN_PARTNER = "mediterranean", _("Mediterranean Partner for Co-operation")
        ASIAN_PARTNER = "asian", _("Asian Partner for Co-operation")

    name = models.CharField(_("name"), max_length=100, unique=True)
    iso2 = models.CharField(
        _("ISO code"),
        max_length=2,
        unique=True,
        help_text=_("ISO 3166-1 alpha-2 code in capitals, e.g. IT."),
    )
    group = models.CharField(_("group"), max_length=20, choices=Group.choices, default=Group.PARTICIPATING)
    joined_year = models.PositiveSmallIntegerField(_("joined in"), null=True, blank=True)

    objects = StateQuerySet.as_manager()

    class Meta:
        verbose_name = _("participating State or Partner")
        verbose_name_plural = _("participating States and Partners")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(iso2__regex=r"^[A-Z]{2}$"), name="state_iso2_two_capitals"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.iso2 = (self.iso2 or "").upper()

    @property
    def is_participating(self):
        return self.group == self.Group.PARTICIPATING

    def get_absolute_url(self):
        return reverse_slug("core:country_detail", self.iso2.lower())


class TopicQuerySet(models.QuerySet):
    def with_document_counts(self):
        """Each topic with `document_total`: its published documents, read from
        the counts the database keeps (TopicDocumentCount)."""
        return self.annotate(document_total=Coalesce(F("published_count__count"), 0))


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_slug("core:topic_detail", self.slug)


class SpecialRepresentative(models.Model):
    """A Special Representative and Co-ordinator for Combating Trafficking in Human Beings."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    term_start = models.DateField(_("term start"))
    term_start_precision = models.CharField(
        _("term start known to the"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    term_end = models.DateField(_("term end"), null=True, blank=True, help_text=_("Empty while in office."))
    term_end_precision = models.CharField(
        _("term end known to the"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Special Representative")
        verbose_name_plural = _("Special Representatives")
        ordering = ["term_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="representative_term_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.term_end and self.term_start and self.term_end < self.term_start:
            raise ValidationError({"term_end": _("The term cannot end before it starts.")})


class DocumentKind(models.TextChoices):
    DECISION = "decision", _("decision")
    REPORT = "report", _("country-visit report")
    EVENT = "event", _("Alliance event")
    STATEMENT = "statement", _("Alliance statement")


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class AttachingQuerySet(models.QuerySet):
    """A QuerySet that hands the models it fetches to functions that attach
    what a list shows of their related rows, each in one query of plain rows
    (`attaching()`). prefetch_related builds a related manager, a queryset
    and a model for every link: a third of a list page's 15 ms for the cards'
    topics."""

    _attachers = ()

    def attaching(self, attacher):
        queryset = self._chain()
        queryset._attachers = (*self._attachers, attacher)
        return queryset

    def _clone(self):
        clone = super()._clone()
        clone._attachers = self._attachers
        return clone

    def _fetch_all(self):
        fetched = self._result_cache is not None
        super()._fetch_all()
        if self._attachers and not fetched and self._iterable_class is models.query.ModelIterable:
            for attacher in self._attachers:
                attacher(self._result_cache)


class DocumentQuerySet(AttachingQuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def drafts(self):
        return self.filter(status=Status.DRAFT)

    def of_kind(self, kind):
        return self.filter(kind=kind)

    def for_topic(self, topic):
        return self.filter(topics=topic)

    def search(self, query):
        """Documents matching QUERY's words (see osce_docs/search.py)."""
        from .search import filter_documents

        return filter_documents(self, query)

    def real(self):
        """Everything but the synthetic demo corpus."""
        return self.filter(synthetic=False)

    def concerning(self, state):
        """Documents about STATE: naming it, reports on a visit to it, events it hosted."""
        return self.concerning_state_ref(state)

    def concerning_state_ref(self, state):
        # A semi-join for the many-to-many part, so that a document naming
        # several States is still one row (and counts once).
        # Given OuterRef("pk") (a State row of an enclosing query), the semi-join
        # sits one level deeper and must reach one level further out.
        nested = OuterRef(state) if isinstance(state, OuterRef) else state
        named = Document.states.through.objects.filter(state=nested).values("document_id")
        prefix = "" if self.model is Document else "document_ptr__"
        return self.filter(
            Q(pk__in=named)
            | Q(**{f"{prefix}countryvisitreport__country": state})
            | Q(**{f"{prefix}allianceevent__host_country": state})
        )

    def for_cards(self):
        """What a document card shows, in a fixed number of queries: the
        documents fetched come with their `card_topics` (attach_card_topics)."""
        queryset = self.attaching(attach_card_topics)
        if self.model is Document:
            queryset = queryset.annotate(card_symbol=F("decision__symbol"))
        return queryset

    def with_card_details(self):
        """Plain Documents with what their card shows of their own kind (the
        symbol, the dates, the place), so that a card of any kind needs no
        query of its own."""
        return self.annotate(
            card_symbol=F("decision__symbol"),
            adopted_on=F("decision__adopted_on"),
            place=F("decision__place"),
            start_on=F("allianceevent__start_on"),
            end_on=F("allianceevent__end_on"),
            venue=F("allianceevent__venue"),
            issued_on=F("alliancestatement__issued_on"),
            date_precision=Coalesce("allianceevent__date_precision", "alliancestatement__date_precision"),
            card_country=F("countryvisitreport__country__name"),
        )

    def newest_ids(self, limit):
        """The ids of the LIMIT newest (by publication, then id), as a subquery.
        On published documents of one kind the public listing index gives that
        order, so the database stops after LIMIT."""
        return self.order_by("-published_on", "-pk").values("pk")[:limit]

    def cards(self, *id_subqueries):
        """The documents each of ID_SUBQUERIES selects (each a LIMITed subquery
        such as newest_ids), in one query, as plain Documents with their card
        details. Unordered. A UNION ALL of one indexed part per subquery
        gathers the ids, and the card's joins are written once around it:
        written in every part, PostgreSQL spent 4 ms planning the home page's
        24 joins, four times what running them took."""
        parts = [self.filter(pk__in=ids).values("pk").order_by() for ids in id_subqueries]
        return self.filter(pk__in=parts[0].union(*parts[1:], all=True)).with_card_details()

    def tied_to(self, state, tie, *, tied, total, limit, state_rows=None):
        """These documents (published, of one kind) that TIE ties to STATE:
        "named" (its States) or "hosted" (an event it hosted). (A country's
        reports have an index in listing order of their own: newest_first().)

        The kept counts choose the cheaper path to the LIMIT newest: from the
        State's side through the tie's index (STATE_ROWS rows, TIED unless
        given: "named" reads the State's links of every kind), then a sort; or
        newest first along the public listing index, testing each document's
        tie, which finds LIMIT of the TIED among TOTAL within about
        LIMIT x TOTAL / TIED rows. A row from the State's side costs about four
        walked ones (measured on SQLite at 100,000 documents). Either way the
        work follows the State's share of the library, not its size."""
        model, document_field, state_field = _state_ties()[tie]
        ties = model._base_manager.filter(**{state_field: state})
        state_rows = tied if state_rows is None else state_rows
        if limit * total < 4 * tied * state_rows:
            return self.filter(Exists(ties.filter(**{document_field: OuterRef("pk")})))
        return self.filter(pk__in=ties.values(document_field))


def _state_ties():
    """How each link ties a document to a State: (model, its document field, its State field)."""
    from alliance.models import AllianceEvent

    return {
        "named": (Document.states.through, "document_id", "state_id"),
        "hosted": (AllianceEvent, "document_ptr_id", "host_country_id"),
    }


class Document(models.Model):
    """What every kind of document shares. Decisions, country-visit reports and
    Alliance records extend it (multi-table inheritance), so that relations,
    files and search treat them all alike."""

    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices, editable=False, db_index=True)
    title = models.CharField(_("title"), max_length=500)
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, help_text=_("The last part of the page address; unique.")
    )
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_on = models.DateField(
        _("publication date"), null=True, blank=True, help_text=_("When the document was made public.")
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), related_name="documents", blank=True)
    states = models.ManyToManyField(
        State,
        verbose_name=_("participating States concerned"),
        related_name="documents",
        blank=True,
    )
    synthetic = models.BooleanField(
        _("synthetic"), default=False, editable=False, help_text=_("Generated demo data, never a real record.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = DocumentQuerySet.as_manager()

    # Each subclass names its kind; the column lets lists and search tell kinds
    # apart without joining every subclass table.
    DOCUMENT_KIND = None

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-published_on", "-id"]
        indexes = [
            models.Index(fields=["status", "kind", "-published_on"], name="document_public_listing"),
            # Every kind newest first (the latest feed, a topic's page), read
            # backwards: the id breaks ties of a day without a sort.
            models.Index(fields=["status", "published_on", "id"], name="document_published_order"),
            # "Is it published?" answered from a small index rather than the
            # document's row (its title and summary): lists check it for every
            # row they skip or count (a deep page of reports, 5,000 checks at a
            # million documents: 31 -> 10 ms on PostgreSQL).
            models.Index(fields=["id", "status"], name="document_status_by_id"),
        ]
        permissions = [("publish_document", _("Can publish, unpublish and delete documents"))]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.DOCUMENT_KIND:
            self.kind = self.DOCUMENT_KIND
        super().save(*args, **kwargs)

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED

    DETAIL_URL_NAMES = {
        DocumentKind.DECISION: "decisions:decision_detail",
        DocumentKind.REPORT: "decisions:report_detail",
        DocumentKind.EVENT: "alliance:event_detail",
        DocumentKind.STATEMENT: "alliance:statement_detail",
    }

    def get_absolute_url(self):
        return reverse_slug(self.DETAIL_URL_NAMES[self.kind], self.slug)

    @staticmethod
    def model_for_kind(kind):
        """The subclass (Decision, CountryVisitReport, ...) that stores KIND, or None."""
        return next((model for model in Document.__subclasses__() if model.DOCUMENT_KIND == kind), None)

    def specific(self):
        """The subclass instance (Decision, CountryVisitReport, ...)."""
        model = self.model_for_kind(self.kind)
        return model.objects.get(pk=self.pk) if model else self


def attach_card_topics(documents):
    """Give each of DOCUMENTS `card_topics`: its topics as (address, name), by
    name, read in one query of plain rows."""
    by_document = {}
    if documents:
        rows = (
            Document.topics.through.objects.filter(document_id__in=[document.pk for document in documents])
            .order_by("topic__name", "topic_id")
            .values_list("document_id", "topic__slug", "topic__name")
        )
        addresses = {}
        for document_id, slug, name in rows:
            if slug not in addresses:
                addresses[slug] = reverse_slug("core:topic_detail", slug)
            by_document.setdefault(document_id, []).append((addresses[slug], name))
    for document in documents:
        document.card_topics = by_document.get(document.pk, [])
    return documents


class DocumentCountQuerySet(models.QuerySet):
    def total(self, *, kind=None, status=Status.PUBLISHED):
        """How many documents of KIND (all kinds when None) have STATUS (any
        status when None): one indexed read, whatever the size of the library."""
        rows = self.all() if status is None else self.filter(status=status)
        if kind is not None:
            rows = rows.filter(kind=kind)
        return sum(rows.values_list("count", flat=True))

    def published_by_kind(self):
        """{kind: number of published documents}, every kind present."""
        totals = dict.fromkeys(DocumentKind.values, 0)
        totals.update(self.filter(status=Status.PUBLISHED).values_list("kind", "count"))
        return totals


class ContentVersion(models.Model):
    """One row whose token changes whenever anything the public pages show
    changes: a trigger on every content table (osce_docs/pagecache.py)
    rewrites it in the writing transaction, so the page cache (keyed by the
    token) never serves a page older than the last commit, on every write
    path and on every app server sharing the database."""

    token = models.CharField(max_length=40, default="initial")

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content version")

    def __str__(self):
        return self.token


class DocumentCount(models.Model):
    """How many documents there are of each kind and status.

    Kept by the database itself (triggers on the document table, migration
    0006_document_counts), so every write path (the admin, services, bulk
    inserts, imports, deletes) updates it in the same transaction. Reading it
    replaces COUNT(*) over the whole library, whose cost grows with it."""

    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    count = models.BigIntegerField(_("documents"), default=0)

    objects = DocumentCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("document count")
        verbose_name_plural = _("document counts")
        ordering = ["kind", "status"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "status"], name="document_count_one_per_kind_and_status"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.get_status_display()}: {self.count}"


class StateDocumentCountQuerySet(models.QuerySet):
    def by_kind(self, state):
        """{kind: published documents of that kind concerning STATE}, every kind present."""
        totals = dict.fromkeys(DocumentKind.values, 0)
        totals.update(self.filter(state=state).values_list("kind", "count"))
        return totals


class StateDocumentCount(models.Model):
    """How many published documents of each kind concern each State, in the
    sense of `Document.objects.concerning()`: naming it, reports on a visit to
    it, events it hosted; a document tied to a State twice counts once.

    Kept by database triggers on the documents and on the three links
    (migration 0008_public_counts), like DocumentCount, so every write path is
    counted in its own transaction. Not managed by Django: a test's flush
    empties the documents row by row (SQLite, the triggers follow) or with
    TRUNCATE (PostgreSQL, a trigger recounts), and serialized test data never
    overwrites what the triggers kept."""

    state = models.ForeignKey(
        State,
        verbose_name=_("State"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="published_counts",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    count = models.BigIntegerField(_("published documents"), default=0)

    objects = StateDocumentCountQuerySet.as_manager()

    class Meta:
        managed = False
        verbose_name = _("published documents of a State")
        verbose_name_plural = _("published documents of the States")
        ordering = ["state_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["state", "kind"], name="state_document_count_one_per_kind"),
        ]

    def __str__(self):
        return f"{self.state_id}, {self.get_kind_display()}: {self.count}"


class TopicDocumentCount(models.Model):
    """How many published documents each topic has; kept like StateDocumentCount."""

    topic = models.OneToOneField(
        Topic,
        verbose_name=_("topic"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="published_count",
    )
    count = models.BigIntegerField(_("published documents"), default=0)

    class Meta:
        managed = False
        verbose_name = _("published documents of a topic")
        verbose_name_plural = _("published documents of the topics")
        ordering = ["topic_id"]

    def __str__(self):
        return f"{self.topic_id}: {self.count}"


class RecommendationCountQuerySet(models.QuerySet):
    def published(self):
        """How many recommendations published reports make: one indexed read."""
        return sum(self.filter(status=Status.PUBLISHED).values_list("count", flat=True))


class RecommendationCount(models.Model):
    """How many recommendations the reports of each status make (a
    recommendation is public when its report is); kept like StateDocumentCount."""

    status = models.CharField(_("status of the report"), max_length=10, choices=Status.choices, unique=True)
    count = models.BigIntegerField(_("recommendations"), default=0)

    objects = RecommendationCountQuerySet.as_manager()

    class Meta:
        managed = False
        verbose_name = _("recommendation count")
        verbose_name_plural = _("recommendation counts")
        ordering = ["status"]

    def __str__(self):
        return f"{self.get_status_display()}: {self.count}"


class RelationKind(models.TextChoices):
    REVISES = "revises", _("revises")
    ADDS_TO = "adds_to", _("adds to")
    SUPERSEDES = "supersedes", _("supersedes")
    CORRECTS = "corrects", _("corrects")
    CITES = "cites", _("cites")
    LED_TO = "led_to", _("led to")


# How a relation reads from its target's side.
RELATION_INVERSE_LABELS = {
    RelationKind.REVISES: _("revised by"),
    RelationKind.ADDS_TO: _("added to by"),
    RelationKind.SUPERSEDES: _("superseded by"),
    RelationKind.CORRECTS: _("corrected by"),
    RelationKind.CITES: _("cited by"),
    RelationKind.LED_TO: _("resulted from"),
}

# These describe how one decision's text changes another's.
DECISION_ONLY_RELATIONS = {
    RelationKind.REVISES,
    RelationKind.ADDS_TO,
    RelationKind.SUPERSEDES,
    RelationKind.CORRECTS,
}


class DocumentRelationQuerySet(models.QuerySet):
    def public(self):
        """Relations whose both ends are published."""
        return self.filter(source__status=Status.PUBLISHED, target__status=Status.PUBLISHED)

    def touching(self, document):
        return self.filter(Q(source=document) | Q(target=document))

    def seen_from(self, document):
        """DOCUMENT's public relations as it reads them ("revises …", "revised
        by …"): dicts of `label`, `other` (a RelatedDocument) and `note`, in
        one query of plain rows (building the four joined models cost more than
        the query itself)."""
        rows = (
            self.public()
            .touching(document)
            .order_by("kind", "source__published_on", "target__published_on")
            .values_list(
                "kind",
                "note",
                "source_id",
                *(f"{end}__{field}" for end in ("source", "target") for field in RelatedDocument.FIELDS),
            )
        )
        count = len(RelatedDocument.FIELDS)
        relations = []
        for kind, note, source_id, *ends in rows:
            outgoing = source_id == document.pk
            other = ends[count:] if outgoing else ends[:count]
            label = RelationKind(kind).label if outgoing else RELATION_INVERSE_LABELS[RelationKind(kind)]
            relations.append({"label": label, "other": RelatedDocument(*other), "note": note})
        return relations


class RelatedDocument(NamedTuple):
    """The other end of a relation, as a document's page names and links it."""

    pk: int
    kind: str
    slug: str
    title: str
    symbol: str | None

    FIELDS = ("id", "kind", "slug", "title", "decision__symbol")

    def get_absolute_url(self):
        return reverse_slug(Document.DETAIL_URL_NAMES[self.kind], self.slug)


class DocumentRelation(models.Model):
    """A typed, directed link: SOURCE revises / adds to / cites ... TARGET."""

    source = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="relations_out"
    )
    kind = models.CharField(_("relation"), max_length=12, choices=RelationKind.choices)
    target = models.ForeignKey(
        Document, verbose_name=_("related document"), on_delete=models.CASCADE, related_name="relations_in"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = DocumentRelationQuerySet.as_manager()
    history = AuditedHistory()

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        ordering = ["kind", "target_id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "target"], name="relation_unique"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="relation_not_to_itself"),
        ]

    def __str__(self):
        return f"{self.source} {self.get_kind_display()} {self.target}"

    @property
    def inverse_label(self):
        return RELATION_INVERSE_LABELS[RelationKind(self.kind)]

    def clean(self):
        if self.source_id and self.target_id and self.source_id == self.target_id:
            raise ValidationError({"target": _("A document cannot relate to itself.")})
        # In the admin's add page one end is the record being created: not
        # saved yet, so it has no id, but its class says its kind.
        ends = [self._end("source"), self._end("target")]
        if self.kind in DECISION_ONLY_RELATIONS and None not in ends:
            kinds = {end.DOCUMENT_KIND or end.kind for end in ends}
            if kinds != {DocumentKind.DECISION}:
                raise ValidationError(
                    {"kind": _("“%(kind)s” links two decisions.") % {"kind": self.get_kind_display()}}
                )

    def _end(self, name):
        try:
            return getattr(self, name)
        except ObjectDoesNotExist:
            return None


class AttachmentKind(models.TextChoices):
    FULL_TEXT = "full_text", _("full text")
    SUMMARY = "summary", _("summary")
    ANNEX = "annex", _("annex")
    AGENDA = "agenda", _("agenda")
    PRESENTATION = "presentation", _("presentation")
    STATEMENT = "statement", _("statement")
    OTHER = "other", _("other")


class TextStatus(models.TextChoices):
    PENDING = "pending", _("waiting for extraction")
    EXTRACTED = "extracted", _("text extracted")
    NO_TEXT = "no_text", _("no text found")
    FAILED = "failed", _("extraction failed")


def attachment_upload_to(instance, filename):
    """A generated name: nothing of the uploaded name reaches the storage path."""
    from .filetypes import extension_for

    token = uuid.uuid4().hex
    return f"attachments/{token[:2]}/{token}{extension_for(instance.content_type)}"


class AttachmentQuerySet(models.QuerySet):
    def published(self):
        """Files of published documents: the only ones anyone may download."""
        return self.filter(document__status=Status.PUBLISHED)

    def public(self):
        return self.published()


class Attachment(models.Model):
    """A file attached to a document, usually one per language and kind."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=255)
    kind = models.CharField(_("kind"), max_length=15, choices=AttachmentKind.choices, default=AttachmentKind.FULL_TEXT)
    language = models.CharField(
        _("language"), max_length=3, choices=language_choices, default="en", help_text=_("ISO 639-1 code.")
    )
    is_original = models.BooleanField(
        _("original"), default=False, help_text=_("The version in the language the text was adopted in.")
    )
    original_name = models.CharField(_("original file name"), max_length=255, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), editable=False, default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False, db_index=True)
    content_type = models.CharField(_("content type"), max_length=120, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text_status = models.CharField(
        _("text"), max_length=10, choices=TextStatus.choices, default=TextStatus.PENDING, editable=False
    )
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True, editable=False)
    text_error = models.CharField(_("why no text"), max_length=300, blank=True, editable=False)

    objects = AttachmentQuerySet.as_manager()
    history = AuditedHistory()

    class Meta:
        verbose_name = _("attached file")
        verbose_name_plural = _("attached files")
        ordering = ["document_id", "kind", "language"]
        # The admin's year filter reads the first and the last upload.
        indexes = [models.Index(fields=["uploaded_at"], name="attachment_uploaded_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "kind", "language"],
                name="attachment_one_per_kind_and_language",
                violation_error_message=_("This document already has a file of this kind in this language."),
            ),
            models.UniqueConstraint(
                fields=["document", "kind"],
                condition=Q(is_original=True),
                name="attachment_one_original_per_kind",
                violation_error_message=_("Only one language version of each kind can be the original."),
            ),
        ]

    def __str__(self):
        return self.original_name or self.file.name

    def get_absolute_url(self):
        return reverse_file("core:attachment_download", self.pk, self.original_name)


class AttachmentPage(models.Model):
    """The text of one page of an attached file (for files without pages, one
    section of a few thousand characters), as text extraction found it.

    Kept per page so that search can say where words occur ("page 12 of the
    Russian full text"). On PostgreSQL the table also carries a generated
    `vector` column, and on SQLite an FTS5 index follows it through triggers
    (migration 0003): both are maintained by the database itself."""

    attachment = models.ForeignKey(
        Attachment, verbose_name=_("attached file"), on_delete=models.CASCADE, related_name="pages"
    )
    number = models.PositiveIntegerField(_("page"))
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("page of text")
        verbose_name_plural = _("pages of text")
        ordering = ["attachment_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["attachment", "number"], name="attachment_page_unique_number"),
        ]

    def __str__(self):
        return f"{self.attachment} p. {self.number}"


class SearchEntry(models.Model):
    """What search knows of one document, in three weighted parts:
    A the symbol and title, B the summary and the other texts of the record,
    C the text of its files. Drafts have entries too: whether a document is
    public is read from the document itself when searching, so publishing
    and unpublishing never have to touch the index.

    The engines index these columns inside the database (osce_docs/search.py):
    generated tsvector columns with GIN indexes on PostgreSQL, an FTS5 table
    with this table as its external content on SQLite."""

    document = models.OneToOneField(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    # The document's (which never changes): on PostgreSQL the pairs' index
    # holds it too, so that a list of one kind reads only its own (migration 0017).
    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices, default="", editable=False)
    a_text = models.TextField(_("symbol and title"), blank=True)
    b_text = models.TextField(_("summary and record texts"), blank=True)
    c_text = models.TextField(_("text of the files"), blank=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        ordering = ["document_id"]

    def __str__(self):
        return f"search entry of document {self.document_id}"
