"""The import command given arbitrary CSV files: it either imports or stops
with a clear error (CommandError, rows reported), never crashes, never writes
part of a bad file, and never reads a file outside the CSV's folder."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osce_docs.importing import IMPORT_KINDS, importer_for
from osce_docs.models import Attachment, Document

pytestmark = pytest.mark.django_db

hostile = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

NASTY_CELLS = [
    "",
    "PC.DEC/557",
    "MC.DEC/8/07/Corr.1",
    "revises:PC.DEC/557;cites:XX.DEC/1",
    "2013-06-17/2013-06-18;2013-07-15/2013-07-19",
    "2013-02-30",
    "published",
    "draft",
    "IT",
    "prevention:Train inspectors | protection:",
    "en:../../../../etc/passwd",
    "/etc/passwd",
    "ru:pdf/missing.pdf",
    "\x00",
    "=cmd|' /C calc'!A0",
    "9" * 40,
    "Ünïcödé; «quotes» \"double\" 'single'",
]
cell = st.one_of(st.sampled_from(NASTY_CELLS), st.text(max_size=40))


def write_csv(path, header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def run_import(*args):
    try:
        call_command("import_documents", *args, stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError:
        return False
    return True


@hostile
@given(data=st.data())
def test_arbitrary_rows_are_imported_or_refused_cleanly(tmp_path, data):
    kind = data.draw(st.sampled_from(IMPORT_KINDS))
    columns = list(importer_for(kind).columns)
    rows = data.draw(st.lists(st.lists(cell, min_size=len(columns), max_size=len(columns)), min_size=1, max_size=3))
    path = tmp_path / "hostile.csv"
    write_csv(path, columns, rows)
    documents, files = Document.objects.count(), Attachment.objects.count()
    if not run_import(kind, str(path)):
        assert (Document.objects.count(), Attachment.objects.count()) == (documents, files), "a refused file wrote rows"


@hostile
@given(kind=st.sampled_from(IMPORT_KINDS), content=st.binary(max_size=300))
def test_arbitrary_bytes_are_refused_cleanly(tmp_path, kind, content):
    path = tmp_path / "noise.csv"
    path.write_bytes(content)
    documents = Document.objects.count()
    if not run_import(kind, str(path), "--dry-run"):
        assert Document.objects.count() == documents


@pytest.mark.parametrize("path", ["../secret.pdf", "/ABSOLUTE/secret.pdf", "sub/../../secret.pdf"])
def test_a_file_outside_the_csvs_folder_is_never_read(tmp_path, path):
    from tests import files

    secret = tmp_path / "secret.pdf"
    secret.write_bytes(files.pdf_bytes(["Outside the import folder"]))
    folder = tmp_path / "import"
    (folder / "sub").mkdir(parents=True)
    columns = list(importer_for("decisions").columns)
    row = {column: "" for column in columns}
    row.update(
        symbol="PC.DEC/9001",
        title="A decision importing a file from elsewhere",
        adopted_on="2020-01-01",
        status="draft",
        files="en:" + path.replace("/ABSOLUTE", str(tmp_path)),
    )
    write_csv(folder / "data.csv", columns, [[row[c] for c in columns]])
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_documents", "decisions", str(folder / "data.csv"), stdout=out)
    assert "Row 2: files:" in str(error.value)
    assert not Attachment.objects.exists()
    assert not Document.objects.filter(title__startswith="A decision importing").exists()
