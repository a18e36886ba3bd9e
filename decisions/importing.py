"""CSV rows of decisions and country-visit reports (see osce_docs/importing.py)."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from osce_docs.importing import UNCHANGED, DocumentImporter, format_date, format_topics, normalise_name
from osce_docs.models import DocumentKind, DocumentRelation, RelationKind, SpecialRepresentative, State

from . import services
from .models import CountryVisitReport, Decision, RecommendationArea
from .symbols import SymbolError, parse_symbol


class DecisionImporter(DocumentImporter):
    kind = "decisions"
    model = Decision
    columns = ("symbol", "title", "adopted_on", "place", "summary", "topics", "relates_to", "status", "files")
    required_columns = ("symbol", "title", "adopted_on")

    def parse(self, reader):
        data = {}
        raw_symbol = reader.raw("symbol")
        try:
            data["symbol"] = str(parse_symbol(raw_symbol)) if raw_symbol else None
            if not raw_symbol:
                reader.error("symbol", _("required"))
        except SymbolError as error:
            reader.error("symbol", str(error))
            data["symbol"] = None
        data["title"] = reader.text("title", required=True, max_length=500)
        data["adopted_on"] = reader.date("adopted_on", required=True)
        if reader.has("place"):
            data["place"] = reader.text("place", max_length=100)
        self.read_shared_columns(reader, data)
        if reader.has("relates_to"):
            data["relates_to"] = self.relations(reader)
        return data

    def relations(self, reader, column="relates_to"):
        """`revises:PC.DEC/557;cites:MC.DEC/8/07` as {(kind, symbol)}."""
        found = set()
        for item in reader.items(column):
            kind, sep, symbol = item.partition(":")
            kind = kind.strip().lower().replace(" ", "_")
            if not sep or kind not in RelationKind.values:
                reader.error(
                    column,
                    _("“%(item)s” is not KIND:SYMBOL with KIND one of %(kinds)s")
                    % {"item": item, "kinds": ", ".join(RelationKind.values)},
                )
                continue
            try:
                found.add((kind, str(parse_symbol(symbol))))
            except SymbolError as error:
                reader.error(column, str(error))
        return found

    def key(self, data):
        return (data["symbol"],)

    def label(self, data):
        return data["symbol"]

    def find(self, data):
        return Decision.objects.filter(symbol=data["symbol"]).first()

    def check_references(self, plan, plans_by_key):
        problems = []
        wanted = {symbol for _kind, symbol in plan.data.get("relates_to", ())}
        if plan.data["symbol"] in wanted:
            problems.append(_("relates_to: a decision cannot relate to itself"))
        in_file = {symbol for symbol in wanted if (symbol,) in plans_by_key}
        stored = set(Decision.objects.filter(symbol__in=wanted - in_file).values_list("symbol", flat=True))
        for symbol in sorted(wanted - in_file - stored):
            problems.append(
                _("relates_to: no decision %(symbol)s in this file or in the library") % {"symbol": symbol}
            )
        return problems

    def stored_relations(self, decision):
        return set(
            decision.relations_out.filter(target__kind=DocumentKind.DECISION).values_list(
                "kind", "target__decision__symbol"
            )
        )

    def changes(self, instance, data):
        changes = self.field_changes(instance, data, ("title", "adopted_on", "place", "summary", "status"))
        changes += self.topic_changes(instance, data)
        if "relates_to" in data and self.stored_relations(instance) != data["relates_to"]:
            changes.append("relates_to")
        return changes

    def original_language(self, instance, data):
        return instance.original_language if instance is not None else "en"

    def service_data(self, data):
        return {name: value for name, value in data.items() if name not in ("symbol", "relates_to")}

    def create(self, data):
        return services.decision_create(symbol=data["symbol"], user=self.user, **self.service_data(data))

    def update(self, instance, data):
        services.decision_update(decision=instance, data=self.service_data(data), user=self.user)

    def after_row(self, plan, plans):
        """Relations, once every decision of the file exists."""
        if plan.action == UNCHANGED or "relates_to" not in plan.data:
            return
        symbols = {symbol for _kind, symbol in plan.data["relates_to"]}
        targets = {decision.symbol: decision for decision in Decision.objects.filter(symbol__in=symbols)}
        services.decision_relations_set(
            decision=plan.instance,
            relations=[(kind, targets[symbol]) for kind, symbol in plan.data["relates_to"]],
        )

    def export_queryset(self, queryset):
        relations = DocumentRelation.objects.filter(target__kind=DocumentKind.DECISION).select_related("target__decision")
        return super().export_queryset(queryset).prefetch_related(Prefetch("relations_out", queryset=relations))

    def export_row(self, decision, files_column):
        relations = sorted((r.kind, r.target.decision.symbol) for r in decision.relations_out.all())
        return {
            "symbol": decision.symbol,
            "title": decision.title,
            "adopted_on": format_date(decision.adopted_on),
            "place": decision.place,
            "summary": decision.summary,
            "topics": format_topics(decision),
            "relates_to": ";".join(f"{kind}:{symbol}" for kind, symbol in relations),
            "status": decision.status,
            "files": files_column,
        }


class ReportImporter(DocumentImporter):
    kind = "reports"
    model = CountryVisitReport
    columns = (
        "country",
        "representative",
        "visit_periods",
        "published_on",
        "title",
        "summary",
        "topics",
        "status",
        "files",
        "recommendations",
    )
    required_columns = ("country", "representative", "visit_periods", "title")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._states = {state.iso2: state for state in State.objects.all()}
        self._representatives = {}
        for representative in SpecialRepresentative.objects.all():
            self._representatives[normalise_name(representative.name)] = representative
            self._representatives[normalise_name(representative.slug)] = representative

    def parse(self, reader):
        data = {}
        iso2 = reader.text("country", required=True).upper()
        data["country"] = self._states.get(iso2)
        if iso2 and data["country"] is None:
            reader.error("country", _("no participating State or Partner with the ISO code “%(code)s”") % {"code": iso2})
        name = reader.text("representative", required=True)
        data["representative"] = self._representatives.get(normalise_name(name))
        if name and data["representative"] is None:
            reader.error("representative", _("no Special Representative called “%(name)s”") % {"name": name})
        data["visit_periods"] = self.periods(reader)
        if reader.has("published_on"):
            data["published_on"] = reader.date("published_on")
        data["title"] = reader.text("title", required=True, max_length=500)
        self.read_shared_columns(reader, data)
        if reader.has("recommendations"):
            data["recommendations"] = self.recommendations(reader)
        return data

    def periods(self, reader, column="visit_periods"):
        """`2013-06-17/2013-06-18;2013-07-15/2013-07-19` (a single day may be one date)."""
        periods = []
        for item in reader.items(column):
            start, _sep, end = item.partition("/")
            start_on = reader.parse_date(column, start.strip())
            end_on = reader.parse_date(column, end.strip()) if end.strip() else start_on
            if start_on and end_on:
                if end_on < start_on:
                    reader.error(column, _("the visit “%(period)s” ends before it starts") % {"period": item})
                else:
                    periods.append((start_on, end_on))
        if not reader.raw(column):
            reader.error(column, _("required"))
        return sorted(periods)

    def recommendations(self, reader, column="recommendations"):
        """`AREA:TEXT | AREA:TEXT`, numbered in order."""
        items = []
        for item in reader.items(column, separator="|"):
            area_text, sep, text = item.partition(":")
            area = next(
                (
                    value
                    for value, label in RecommendationArea.choices
                    if normalise_name(area_text) in (normalise_name(value), normalise_name(label))
                ),
                None,
            )
            if not sep or area is None or not text.strip():
                reader.error(
                    column,
                    _("“%(item)s” is not AREA:TEXT with AREA one of %(areas)s")
                    % {"item": item[:60], "areas": ", ".join(RecommendationArea.values)},
                )
                continue
            items.append((area, text.strip()))
        return items

    def key(self, data):
        return (data["country"].iso2, data["visit_periods"][0][0])

    def label(self, data):
        return _("the %(country)s visit starting %(day)s") % {
            "country": data["country"].iso2,
            "day": data["visit_periods"][0][0].isoformat(),
        }

    def find(self, data):
        return (
            CountryVisitReport.objects.with_first_visit()
            .filter(country=data["country"], first_visit_on=data["visit_periods"][0][0])
            .first()
        )

    def changes(self, instance, data):
        changes = self.field_changes(
            instance, data, ("representative", "published_on", "title", "summary", "status")
        )
        changes += self.topic_changes(instance, data)
        periods = list(instance.visit_periods.order_by("start_on", "end_on").values_list("start_on", "end_on"))
        if periods != data["visit_periods"]:
            changes.append("visit_periods")
        if "recommendations" in data:
            stored = list(instance.recommendations.order_by("number").values_list("area", "text"))
            if stored != data["recommendations"]:
                changes.append("recommendations")
        return changes

    def create(self, data):
        return services.report_create(user=self.user, **data)

    def update(self, instance, data):
        data = {name: value for name, value in data.items() if name != "country"}
        services.report_update(report=instance, data=data, user=self.user)

    def export_queryset(self, queryset):
        return (
            super()
            .export_queryset(queryset)
            .select_related("country", "representative")
            .prefetch_related("visit_periods", "recommendations")
        )

    def export_row(self, report, files_column):
        periods = sorted(report.visit_periods.all(), key=lambda p: (p.start_on, p.end_on))
        return {
            "country": report.country.iso2,
            "representative": report.representative.slug,
            "visit_periods": ";".join(f"{p.start_on.isoformat()}/{p.end_on.isoformat()}" for p in periods),
            "published_on": format_date(report.published_on),
            "title": report.title,
            "summary": report.summary,
            "topics": format_topics(report),
            "status": report.status,
            "files": files_column,
            "recommendations": " | ".join(
                f"{rec.area}:{rec.text}" for rec in sorted(report.recommendations.all(), key=lambda r: r.number)
            ),
        }
