"""`manage.py export_documents` writes the CSV the import reads: an export
imported into an empty library gives the same records back."""

import csv
import io

import pytest
from django.core.management import call_command

from alliance.models import AllianceEvent
from decisions.models import CountryVisitReport, Decision
from osce_docs.models import Attachment, Document
from tests import files
from tests.factories import (
    AttachmentFactory,
    DecisionFactory,
    EventFactory,
    RecommendationFactory,
    RelationFactory,
    ReportFactory,
    StateFactory,
    TopicFactory,
    VisitPeriodFactory,
)

pytestmark = pytest.mark.django_db


def export(kind, *args):
    out = io.StringIO()
    call_command("export_documents", kind, *[str(arg) for arg in args], stdout=out, stderr=io.StringIO())
    return out.getvalue()


def rows_without_files(text):
    return [{k: v for k, v in row.items() if k != "files"} for row in csv.DictReader(io.StringIO(text))]


@pytest.fixture
def library():
    topic = TopicFactory(name="Test topic with a name", slug="test-topic-x")
    original = DecisionFactory(number=3001, published=True, topics=[topic])
    revision = DecisionFactory(number=3001, revision=1, adopted_on=original.adopted_on.replace(year=2021))
    RelationFactory(source=revision, target=original, kind="revises")
    AttachmentFactory(document=original, language="en", is_original=True, original_name="pc3001.pdf")
    AttachmentFactory(
        document=original, language="ru", original_name="pc3001.pdf", content=files.pdf_bytes(["Русский текст"])
    )
    AttachmentFactory(document=original, language="en", kind="annex", original_name="annex.pdf", content=files.pdf_bytes(["Annex"]))
    report = ReportFactory(country=StateFactory(), published=True)
    VisitPeriodFactory(report=report)
    RecommendationFactory(report=report, number=1, area="prevention", text="Raise awareness.")
    RecommendationFactory(report=report, number=2, area="data", text="Collect data.")
    EventFactory(ordinal=18, topics=[topic])


@pytest.mark.parametrize("kind", ["decisions", "reports", "events"])
def test_export_then_import_into_an_empty_library_round_trips(library, tmp_path, kind, media_in_tmp):
    csv_path = tmp_path / "out" / f"{kind}.csv"
    csv_path.parent.mkdir()
    export(kind, csv_path, "--files-dir", tmp_path / "out" / "files")
    first_export = csv_path.read_text(encoding="utf-8")
    hashes_before = sorted(Attachment.objects.values_list("document__kind", "kind", "language", "sha256"))
    Document.objects.all().delete()

    call_command("import_documents", kind, str(csv_path), stdout=io.StringIO())

    assert rows_without_files(export(kind)) == rows_without_files(first_export)
    kind_name = {"decisions": "decision", "reports": "report", "events": "event"}[kind]
    assert sorted(Attachment.objects.values_list("document__kind", "kind", "language", "sha256")) == [
        row for row in hashes_before if row[0] == kind_name
    ]


def test_export_lists_files_by_language_and_copies_them_under_their_names(library, tmp_path):
    csv_path = tmp_path / "decisions.csv"
    export("decisions", csv_path, "--files-dir", tmp_path / "files")

    row = next(r for r in csv.DictReader(csv_path.open(encoding="utf-8")) if r["symbol"] == "PC.DEC/3001")
    items = row["files"].split(";")
    assert items == [
        "en:files/pc-dec-3001/pc3001.pdf",
        "ru:files/pc-dec-3001/ru-full_text-pc3001.pdf",
        "en:annex:files/pc-dec-3001/annex.pdf",
    ]
    english = Decision.objects.get(symbol="PC.DEC/3001").attachments.get(language="en", kind="full_text")
    assert (tmp_path / "files" / "pc-dec-3001" / "pc3001.pdf").read_bytes() == english.file.open("rb").read()
    assert row["relates_to"] == ""
    revision = next(r for r in csv.DictReader(csv_path.open(encoding="utf-8")) if r["symbol"] == "PC.DEC/3001/Rev.1")
    assert revision["relates_to"] == "revises:PC.DEC/3001"
    assert row["topics"] == "test-topic-x"


def test_export_to_standard_output_has_the_import_columns(library):
    text = export("reports")
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == [
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
    ]
    rows = {row["title"]: row for row in reader}
    report = CountryVisitReport.objects.exclude(slug="italy-2013").get()
    assert rows[report.title]["recommendations"] == "prevention:Raise awareness. | data:Collect data."
    assert rows[report.title]["visit_periods"] == "2019-06-17/2019-06-19"
    assert len(rows) == CountryVisitReport.objects.count()
    assert AllianceEvent.objects.exists()


@pytest.mark.parametrize("kind", ["decisions", "reports", "events"])
def test_export_takes_a_fixed_number_of_queries(library, kind, django_assert_max_num_queries):
    for number in range(6):
        decision = DecisionFactory(number=3100 + number)
        RelationFactory(source=decision, target=Decision.objects.get(symbol="PC.DEC/3001"), kind="cites")
        report = ReportFactory(country=StateFactory())
        VisitPeriodFactory(report=report)
        RecommendationFactory(report=report)
        EventFactory()
    with django_assert_max_num_queries(8):
        export(kind)
