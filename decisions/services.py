"""Writes of decisions and country-visit reports, with their relations, visit
periods and recommendations. The admin, the import and the tests use them;
publishing always goes through osce_docs.services.document_status_change."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from osce_docs.models import Document, DocumentKind, DocumentRelation, SpecialRepresentative, State, Status, Topic
from osce_docs.services import document_save_changes, document_save_new, document_unique_slug

from .models import CountryVisitReport, Decision, Recommendation, VisitPeriod
from .symbols import Symbol, parse_symbol, symbol_slug

# Plain fields an update may change (the symbol is the decision's identity).
DECISION_FIELDS = ("title", "summary", "adopted_on", "meeting", "place", "original_language", "published_on")
REPORT_FIELDS = ("title", "summary", "published_on", "representative", "promising_practices", "challenges")


@transaction.atomic
def decision_create(
    *,
    symbol: Symbol | str,
    title: str,
    adopted_on: date,
    summary: str = "",
    meeting: str = "",
    place: str = "",
    original_language: str = "en",
    status: str = Status.DRAFT,
    published_on: date | None = None,
    slug: str = "",
    topics: Iterable[Topic] = (),
    states: Iterable[State] = (),
    relations: Iterable[tuple[str, Document]] = (),
    user: AbstractBaseUser | None = None,
) -> Decision:
    """A new decision; its parts come from SYMBOL and it is published on the day
    it was adopted unless told otherwise."""
    if isinstance(symbol, str):
        symbol = parse_symbol(symbol)
    decision = Decision(
        body=symbol.body,
        number=symbol.number,
        year=symbol.year,
        revision=symbol.revision,
        addendum=symbol.addendum,
        corrigendum=symbol.corrigendum,
        title=title,
        slug=slug or document_unique_slug(base=symbol_slug(str(symbol))),
        summary=summary,
        adopted_on=adopted_on,
        meeting=meeting,
        place=place,
        original_language=original_language,
        published_on=published_on or adopted_on,
    )
    document_save_new(document=decision, status=status, user=user, topics=topics, states=states)
    decision_relations_set(decision=decision, relations=relations)
    return decision


@transaction.atomic
def decision_update(*, decision: Decision, data: Mapping[str, Any], user: AbstractBaseUser | None = None) -> Decision:
    """Change DECISION_FIELDS, and topics, states, status or relations when DATA has them."""
    for field in DECISION_FIELDS:
        if field in data:
            setattr(decision, field, data[field])
    document_save_changes(
        document=decision, user=user, status=data.get("status"), topics=data.get("topics"), states=data.get("states")
    )
    if "relations" in data:
        decision_relations_set(decision=decision, relations=data["relations"])
    return decision


def decision_relations_set(*, decision: Decision, relations: Iterable[tuple[str, Document]]) -> bool:
    """Make DECISION's relations to other decisions exactly RELATIONS (kind,
    target); relations to other kinds of documents are left alone. Returns
    whether anything changed."""
    wanted = {(kind, target.pk) for kind, target in relations}
    for kind, target_pk in wanted:
        if target_pk == decision.pk:
            raise ValidationError(_("A document cannot relate to itself."))
    existing = DocumentRelation.objects.filter(source=decision, target__kind=DocumentKind.DECISION)
    have = set(existing.values_list("kind", "target_id"))
    stale = have - wanted
    for kind, target_pk in stale:
        existing.filter(kind=kind, target_id=target_pk).delete()
    DocumentRelation.objects.bulk_create(
        DocumentRelation(source=decision, kind=kind, target_id=target_pk) for kind, target_pk in sorted(wanted - have)
    )
    return bool(stale or wanted - have)


def _check_periods(periods: Sequence[tuple[date, date]]) -> list[tuple[date, date]]:
    periods = sorted(periods)
    if not periods:
        raise ValidationError(_("A report needs at least one visit period."))
    for start_on, end_on in periods:
        if end_on < start_on:
            raise ValidationError(_("A visit cannot end before it starts."))
    return periods


def report_visit_periods_set(*, report: CountryVisitReport, visit_periods: Sequence[tuple[date, date]]) -> bool:
    """Replace the report's visit periods when they differ; returns whether they did."""
    periods = _check_periods(visit_periods)
    if list(report.visit_periods.order_by("start_on", "end_on").values_list("start_on", "end_on")) == periods:
        return False
    report.visit_periods.all().delete()
    VisitPeriod.objects.bulk_create(VisitPeriod(report=report, start_on=s, end_on=e) for s, e in periods)
    return True


def report_recommendations_set(*, report: CountryVisitReport, recommendations: Sequence[tuple[str, str]]) -> bool:
    """Number RECOMMENDATIONS (area, text) 1, 2, ... in order. A recommendation
    keeping its number is changed in place, so its follow-up assessments stay."""
    existing = {rec.number: rec for rec in report.recommendations.all()}
    changed = False
    for number, (area, text) in enumerate(recommendations, start=1):
        current = existing.pop(number, None)
        if current is None:
            recommendation = Recommendation(report=report, number=number, area=area, text=text)
            recommendation.full_clean()
            recommendation.save()
            changed = True
        elif (current.area, current.text) != (area, text):
            current.area, current.text = area, text
            current.full_clean()
            current.save(update_fields=["area", "text"])
            changed = True
    if existing:
        report.recommendations.filter(number__in=existing).delete()
        changed = True
    return changed


@transaction.atomic
def report_create(
    *,
    country: State,
    representative: SpecialRepresentative,
    title: str,
    visit_periods: Sequence[tuple[date, date]],
    recommendations: Sequence[tuple[str, str]] = (),
    summary: str = "",
    promising_practices: str = "",
    challenges: str = "",
    status: str = Status.DRAFT,
    published_on: date | None = None,
    slug: str = "",
    topics: Iterable[Topic] = (),
    states: Iterable[State] | None = None,
    user: AbstractBaseUser | None = None,
) -> CountryVisitReport:
    """A new country-visit report with its visit periods and numbered
    recommendations; it concerns its country unless STATES says otherwise."""
    periods = _check_periods(visit_periods)
    report = CountryVisitReport(
        country=country,
        representative=representative,
        title=title,
        slug=slug or document_unique_slug(base=f"{country.name} {periods[0][0].year}"),
        summary=summary,
        promising_practices=promising_practices,
        challenges=challenges,
        published_on=published_on,
    )
    document_save_new(
        document=report, status=status, user=user, topics=topics, states=[country] if states is None else states
    )
    report_visit_periods_set(report=report, visit_periods=periods)
    report_recommendations_set(report=report, recommendations=recommendations)
    return report


@transaction.atomic
def report_update(
    *, report: CountryVisitReport, data: Mapping[str, Any], user: AbstractBaseUser | None = None
) -> CountryVisitReport:
    """Change REPORT_FIELDS, and topics, states, status, visit periods or
    recommendations when DATA has them."""
    for field in REPORT_FIELDS:
        if field in data:
            setattr(report, field, data[field])
    document_save_changes(
        document=report, user=user, status=data.get("status"), topics=data.get("topics"), states=data.get("states")
    )
    if "visit_periods" in data:
        report_visit_periods_set(report=report, visit_periods=data["visit_periods"])
    if "recommendations" in data:
        report_recommendations_set(report=report, recommendations=data["recommendations"])
    return report
