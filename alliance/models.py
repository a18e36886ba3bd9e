"""The Alliance against Trafficking in Persons: its conferences, expert
meetings and workshops, its partner organisations, and the Alliance Expert
Co-ordination Team's statements and recommendations."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
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

    objects = DocumentQuerySet.as_manager()
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
