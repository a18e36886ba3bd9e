"""The Alliance records the project's seed texts name, as published records,
and the best-known Alliance partner organisations. Where the sources give only
the month or the year, the record says so through its date precision."""

import datetime

from django.db import migrations

PARTNERS = [
    ("United Nations Office on Drugs and Crime", "UNODC", "international", "https://www.unodc.org"),
    ("International Organization for Migration", "IOM", "intergovernmental", "https://www.iom.int"),
    ("International Labour Organization", "ILO", "international", "https://www.ilo.org"),
    ("United Nations Children's Fund", "UNICEF", "international", "https://www.unicef.org"),
    ("Office of the United Nations High Commissioner for Human Rights", "OHCHR", "international", "https://www.ohchr.org"),
    ("Office of the United Nations High Commissioner for Refugees", "UNHCR", "international", "https://www.unhcr.org"),
    ("Council of Europe", "CoE", "intergovernmental", "https://www.coe.int"),
    ("International Centre for Migration Policy Development", "ICMPD", "intergovernmental", "https://www.icmpd.org"),
    ("International Criminal Police Organization", "INTERPOL", "intergovernmental", "https://www.interpol.int"),
    ("La Strada International", "LSI", "non_governmental", "https://www.lastradainternational.org"),
    ("Anti-Slavery International", "", "non_governmental", "https://www.antislavery.org"),
    ("ECPAT International", "ECPAT", "non_governmental", "https://ecpat.org"),
]

EVENTS = [
    {
        "slug": "high-level-conference-2006",
        "title": "High-Level Conference on Trafficking in Human Beings",
        "summary": (
            "Summary of the High-Level Conference on Trafficking in Human Beings held under the Alliance "
            "against Trafficking in Persons in June 2006."
        ),
        "event_kind": "conference",
        "start_on": datetime.date(2006, 6, 1),
        "end_on": datetime.date(2006, 6, 1),
        "date_precision": "month",
        "topics": ["partnership"],
    },
]

STATEMENTS = [
    {
        "slug": "ect-recommendations-2005",
        "title": (
            "Recommendations of the Alliance Expert Co-ordination Team on the EU Plan on Best Practices, "
            "Standards and Procedures for Combating and Preventing Trafficking in Human Beings"
        ),
        "summary": (
            "Concrete recommendations the Alliance Expert Co-ordination Team provided in 2005, prior to the "
            "elaboration of the EU Plan on Best Practices, Standards and Procedures for Combating and "
            "Preventing Trafficking in Human Beings."
        ),
        "statement_kind": "recommendations",
        "issued_on": datetime.date(2005, 1, 1),
        "date_precision": "year",
        "topics": ["partnership", "prevention", "protection"],
    },
    {
        "slug": "ect-joint-statement-child-protection-2010",
        "title": (
            "Joint Statement on Child Protection, Especially among Migrant, Undocumented, Unaccompanied, "
            "Separated and Asylum Seeking Children, to enhance Prevention of Child Trafficking"
        ),
        "summary": (
            "Issued by the Alliance Expert Co-ordination Team in October 2010 to enhance the prevention of "
            "child trafficking, especially among migrant, undocumented, unaccompanied, separated and "
            "asylum-seeking children."
        ),
        "statement_kind": "joint_statement",
        "issued_on": datetime.date(2010, 10, 1),
        "date_precision": "month",
        "topics": ["child-trafficking", "prevention", "migration"],
    },
]


def load(apps, schema_editor):
    from django.utils.text import slugify

    PartnerOrganisation = apps.get_model("alliance", "PartnerOrganisation")
    AllianceEvent = apps.get_model("alliance", "AllianceEvent")
    AllianceStatement = apps.get_model("alliance", "AllianceStatement")
    Topic = apps.get_model("osce_docs", "Topic")

    for name, acronym, kind, website in PARTNERS:
        PartnerOrganisation.objects.get_or_create(
            name=name, defaults={"acronym": acronym, "kind": kind, "website": website, "slug": slugify(name)}
        )
    for model, kind, records, date_field in (
        (AllianceEvent, "event", EVENTS, "start_on"),
        (AllianceStatement, "statement", STATEMENTS, "issued_on"),
    ):
        for data in records:
            data = dict(data)
            topics = data.pop("topics")
            record, created = model.objects.get_or_create(
                slug=data.pop("slug"),
                defaults={**data, "kind": kind, "status": "published", "published_on": data[date_field]},
            )
            if created:
                record.topics.set(Topic.objects.filter(slug__in=topics))


class Migration(migrations.Migration):
    dependencies = [
        ("alliance", "0001_initial"),
        ("osce_docs", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
