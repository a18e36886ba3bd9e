"""The documents the project's seed texts name, as published records with
verified metadata (no files: none were invented). The Action Plan, PC.DEC/557,
was adopted on 24 July 2003; one seed text wrongly gives July 2005, the month
its revision and the addendum on child victims followed."""

import datetime

from django.db import migrations

from decisions.symbols import format_symbol, symbol_slug

DECISIONS = [
    {
        "body": "PC",
        "number": 557,
        "title": "OSCE Action Plan to Combat Trafficking in Human Beings",
        "adopted_on": datetime.date(2003, 7, 24),
        "place": "Vienna",
        "summary": (
            "The Permanent Council's Action Plan recommends action to the participating States and to the "
            "OSCE's institutions and field operations on the prevention of trafficking in human beings, the "
            "investigation, law enforcement and prosecution of traffickers, and the protection and assistance "
            "of victims. In 2005 it was supplemented by an addendum on child victims and issued in a revised "
            "version."
        ),
        "topics": ["prevention", "prosecution", "protection", "partnership"],
    },
    {
        "body": "PC",
        "number": 557,
        "revision": 1,
        "title": "OSCE Action Plan to Combat Trafficking in Human Beings (revised version)",
        "adopted_on": datetime.date(2005, 7, 7),
        "place": "Vienna",
        "summary": "The revised version of the 2003 Action Plan, issued in 2005.",
        "topics": ["prevention", "prosecution", "protection", "partnership"],
        "relations": [("revises", ("PC", 557, None, None))],
    },
    {
        "body": "PC",
        "number": 685,
        "title": (
            "Addendum to the OSCE Action Plan to Combat Trafficking in Human Beings: Addressing the Special "
            "Needs of Child Victims of Trafficking for Protection and Assistance"
        ),
        "adopted_on": datetime.date(2005, 7, 7),
        "place": "Vienna",
        "summary": (
            "Adds to the Action Plan measures addressing the specific needs of child victims of trafficking "
            "for protection and assistance."
        ),
        "topics": ["child-trafficking", "protection", "prevention"],
        "relations": [("adds_to", ("PC", 557, None, None))],
    },
    {
        "body": "MC",
        "number": 8,
        "year": 2007,
        "title": "Combating Trafficking in Human Beings for Labour Exploitation",
        "adopted_on": datetime.date(2007, 11, 30),
        "meeting": "Fifteenth Meeting of the Ministerial Council",
        "place": "Madrid",
        "summary": (
            "The Ministerial Council's decision on the fight against trafficking in human beings for the "
            "purpose of labour exploitation."
        ),
        "topics": ["labour-exploitation", "prevention", "protection"],
    },
]

ITALY_REPORT = {
    "title": (
        "Report by Maria Grazia Giammarinaro, OSCE Special Representative and Co-ordinator for Combating "
        "Trafficking in Human Beings, following her visit to Italy on 17-18 June and 15-19 July 2013"
    ),
    "slug": "italy-2013",
    "summary": (
        "After her visits to Italy in June and July 2013 the Special Representative reports on the country's "
        "promising practices, the challenges discussed and the areas where anti-trafficking policy could be "
        "improved, with recommendations to support Italy in implementing its OSCE commitments."
    ),
    "country": "IT",
    "representative": "maria-grazia-giammarinaro",
    "periods": [
        (datetime.date(2013, 6, 17), datetime.date(2013, 6, 18)),
        (datetime.date(2013, 7, 15), datetime.date(2013, 7, 19)),
    ],
}


def load(apps, schema_editor):
    Decision = apps.get_model("decisions", "Decision")
    CountryVisitReport = apps.get_model("decisions", "CountryVisitReport")
    VisitPeriod = apps.get_model("decisions", "VisitPeriod")
    DocumentRelation = apps.get_model("osce_docs", "DocumentRelation")
    Topic = apps.get_model("osce_docs", "Topic")
    State = apps.get_model("osce_docs", "State")
    SpecialRepresentative = apps.get_model("osce_docs", "SpecialRepresentative")

    by_parts = {}
    for data in DECISIONS:
        data = dict(data)
        topics = data.pop("topics")
        relations = data.pop("relations", [])
        symbol = format_symbol(
            body=data["body"], number=data["number"], year=data.get("year"), revision=data.get("revision")
        )
        decision, _created = Decision.objects.get_or_create(
            symbol=symbol,
            defaults={
                **data,
                "kind": "decision",
                "slug": symbol_slug(symbol),
                "status": "published",
                "published_on": data["adopted_on"],
                "original_language": "en",
            },
        )
        decision.topics.set(Topic.objects.filter(slug__in=topics))
        by_parts[(data["body"], data["number"], data.get("year"), data.get("revision"))] = decision
        for kind, target in relations:
            DocumentRelation.objects.get_or_create(source_id=decision.pk, target_id=by_parts[target].pk, kind=kind)

    italy = State.objects.get(iso2=ITALY_REPORT["country"])
    report, created = CountryVisitReport.objects.get_or_create(
        slug=ITALY_REPORT["slug"],
        defaults={
            "kind": "report",
            "title": ITALY_REPORT["title"],
            "summary": ITALY_REPORT["summary"],
            "status": "published",
            "country": italy,
            "representative": SpecialRepresentative.objects.get(slug=ITALY_REPORT["representative"]),
        },
    )
    if created:
        report.states.add(italy)
        for start, end in ITALY_REPORT["periods"]:
            VisitPeriod.objects.create(report=report, start_on=start, end_on=end)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0001_initial"),
        ("osce_docs", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
