"""Load the checked reference facts: participating States and Partners for
Co-operation, the Special Representatives, and the starting list of topics.
The CSV files in osce_docs/initial_data/ name the source of every row."""

import csv
import datetime
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify
from unidecode import unidecode

DATA = Path(__file__).resolve().parent.parent / "initial_data"

GROUPS = {
    "participating State": "participating",
    "Mediterranean Partner": "mediterranean",
    "Asian Partner": "asian",
}


def read_csv(name):
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def partial_date(text):
    """'2004-05' -> (2004-05-01, 'month'); '2014' -> (2014-01-01, 'year')."""
    parts = [int(part) for part in text.split("-")]
    precision = {1: "year", 2: "month", 3: "day"}[len(parts)]
    parts += [1] * (3 - len(parts))
    return datetime.date(*parts), precision


def load(apps, schema_editor):
    State = apps.get_model("osce_docs", "State")
    Topic = apps.get_model("osce_docs", "Topic")
    SpecialRepresentative = apps.get_model("osce_docs", "SpecialRepresentative")

    for row in read_csv("states.csv"):
        State.objects.update_or_create(
            iso2=row["iso2"],
            defaults={
                "name": row["name"],
                "group": GROUPS[row["group"]],
                "joined_year": int(row["joined_year"]) if row["verified"] == "yes" else None,
            },
        )
    for row in read_csv("topics.csv"):
        Topic.objects.update_or_create(
            slug=row["slug"], defaults={"name": row["name"], "description": row["description"]}
        )
    for row in read_csv("special_representatives.csv"):
        start, start_precision = partial_date(row["from"])
        note = ""
        if row["to"]:
            end, end_precision = partial_date(row["to"])
        elif row["to_unconfirmed"]:
            end, end_precision = partial_date(row["to_unconfirmed"])
            note = "The end of the term is not confirmed by the sources."
        else:
            end, end_precision = None, "day"
        SpecialRepresentative.objects.update_or_create(
            slug=slugify(unidecode(row["name"])),
            defaults={
                "name": row["name"],
                "term_start": start,
                "term_start_precision": start_precision,
                "term_end": end,
                "term_end_precision": end_precision,
                "note": note,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("osce_docs", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
