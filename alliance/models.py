"""The Alliance against Trafficking in Persons: its conferences, expert
meetings and workshops, its partner organisations, and the Alliance Expert
Co-ordination Team's statements and recommendations."""

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from osce_docs.history import AuditedHistory
from osce_docs.models import DatePrecision, Document, DocumentKind, DocumentQuerySet, State


class EventKind(models.TextChoices):
    CONFERENCE = "conference", _("conference")
    EXPERT_MEETING = "expert_meeting", _("expert meeting")
    WORKSHOP = "workshop", _("workshop")


class AllianceEventQuerySet(DocumentQuerySet):
    def held_in(self, state):
        return self.filter(host_country=state)


class AllianceEvent(Document):
    DOCUMENT_KIND = DocumentKind.EVENT

    event_kind = models.CharField(_("event kind"), max_length=15, choices=EventKind.choices)
    ordinal = models.PositiveSmallIntegerField(
        _("ordinal"), null=True, blank=True, help_text=_("18 for the 18th Alliance conference.")
    )
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"))
    date_precision = models.CharField(
        _("dates known to the"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_("When the sources give only the month, the dates are shown as the month."),
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True, help_text=_("e.g. Hofburg, Vienna"))
    host_country = models.ForeignKey(
        State,
        verbose_name=_("host country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alliance_events",
    )

    objects = AllianceEventQuerySet.as_manager()
    history = AuditedHistory(m2m_fields=["topics", "states"])

    # Searched with the summary (weight B); see osce_docs/search_index.py.
    SEARCH_TEXT_FIELDS = ["theme", "venue"]

    class Meta:
        verbose_name = _("Alliance event")
        verbose_name_plural = _("Alliance events")
        ordering = ["-start_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=F("start_on")),
                name="alliance_event_ends_after_start",
                violation_error_message=_("An event cannot end before it starts."),
            ),
        ]
        # Ascending with the key last: read backwards they give the list's
        # newest-first order, ties included, on both databases, without a sort.
        indexes = [
            models.Index(fields=["start_on", "document_ptr"], name="alliance_event_start_order"),
            models.Index(fields=["event_kind", "start_on", "document_ptr"], name="alliance_event_kind_order"),
        ]

    @property
    def ordinal_label(self):
        if not self.ordinal:
            return ""
        n = self.ordinal
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"

    def clean(self):
        super().clean()
        if self.start_on and self.end_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": _("An event cannot end before it starts.")})


class PartnerKind(models.TextChoices):
    INTERGOVERNMENTAL = "intergovernmental", _("intergovernmental organization")
    INTERNATIONAL = "international", _("international organization")
    NON_GOVERNMENTAL = "non_governmental", _("non-governmental organization")
    OTHER = "other", _("other")


class PartnerOrganisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return reverse("alliance:partner_list") + f"#{self.slug}"


class StatementKind(models.TextChoices):
    JOINT_STATEMENT = "joint_statement", _("joint statement")
    RECOMMENDATIONS = "recommendations", _("recommendations")


class AllianceStatementQuerySet(DocumentQuerySet):
    WALKS_PER_QUERY = 200
    # A partner id no partner has, to find its place among a walk's parameters.
    PARTNER_SENTINEL = -7_654_321

    def latest_endorsed_by(self, partners, count):
        """{partner id: its COUNT latest statements of this queryset}, newest
        first, in two queries whatever the number of statements: the keys from
        a UNION ALL of one short walk per partner (the statements' newest-first
        index, stopping at COUNT), then those statements, instead of every
        statement each partner endorsed."""
        partners = list(partners)
        latest = {partner.pk: [] for partner in partners}
        if not partners:
            return latest
        # EXISTS, not a join: joined, SQLite read all the partner's links and
        # sorted their statements (46 ms a partner at a million). Compiled once
        # (Django takes about 0.6 ms to build it) and repeated for each partner
        # with its id in the sentinel's place.
        endorsed = self.model.endorsed_by.through.objects.filter(
            alliancestatement_id=OuterRef("pk"), partnerorganisation_id=self.PARTNER_SENTINEL
        )
        walk = self.filter(Exists(endorsed)).order_by("-issued_on", "-pk").values("pk")[:count]
        sql, walk_params = walk.query.sql_with_params()
        (at,) = [i for i, value in enumerate(walk_params) if value == self.PARTNER_SENTINEL]
        # Wrapped: SQLite takes no LIMIT in a member of a compound SELECT.
        walks = [f"SELECT %s, walk.* FROM ({sql}) walk"] * len(partners)
        params = [[partner.pk, *walk_params[:at], partner.pk, *walk_params[at + 1 :]] for partner in partners]
        keys = []
        with connections[self.db].cursor() as cursor:
            # SQLite joins at most 500 SELECTs in one compound statement.
            for first in range(0, len(walks), self.WALKS_PER_QUERY):
                chunk = slice(first, first + self.WALKS_PER_QUERY)
                cursor.execute(" UNION ALL ".join(walks[chunk]), [value for walk in params[chunk] for value in walk])
                keys += cursor.fetchall()
        statements = self.in_bulk([statement_id for _partner_id, statement_id in keys])
        for partner_id, statement_id in keys:
            latest[partner_id].append(statements[statement_id])
        for endorsed in latest.values():
            # A UNION ALL keeps no order of its own.
            endorsed.sort(key=lambda statement: (statement.issued_on, statement.pk), reverse=True)
        return latest


class AllianceStatement(Document):
    """An output of the Alliance Expert Co-ordination Team."""

    DOCUMENT_KIND = DocumentKind.STATEMENT

    statement_kind = models.CharField(_("statement kind"), max_length=16, choices=StatementKind.choices)
    issued_on = models.DateField(_("issued on"))
    date_precision = models.CharField(
        _("date known to the"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    endorsed_by = models.ManyToManyField(
        PartnerOrganisation, verbose_name=_("endorsed by"), related_name="statements", blank=True
    )

    objects = AllianceStatementQuerySet.as_manager()
    history = AuditedHistory(m2m_fields=["topics", "states", "endorsed_by"])

    class Meta:
        verbose_name = _("Expert Co-ordination Team statement")
        verbose_name_plural = _("Expert Co-ordination Team statements")
        ordering = ["-issued_on", "-id"]
        # Read backwards: the list's newest-first order without a sort (see AllianceEvent).
        indexes = [
            models.Index(fields=["issued_on", "document_ptr"], name="alliance_statement_order"),
            models.Index(fields=["statement_kind", "issued_on", "document_ptr"], name="alliance_statement_kind_order"),
        ]
