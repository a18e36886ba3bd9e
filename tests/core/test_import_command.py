"""`manage.py import_documents`: all or nothing per file, every bad row
reported by number, a second run changes nothing, files checked like uploads."""

import csv
import datetime
import hashlib
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from alliance.models import AllianceEvent
from decisions.models import CountryVisitReport, Decision
from osce_docs import services as core_services
from osce_docs.models import Attachment, Document, DocumentRelation, Status
from osce_docs.roles import PUBLISHERS
from tests import files
from tests.factories import DecisionFactory, UserFactory

pytestmark = pytest.mark.django_db


def publisher(**kwargs):
    """A member of the Publishers group (see osce_docs/roles.py)."""
    user = UserFactory(staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=PUBLISHERS))
    return user

DECISION_COLUMNS = ["symbol", "title", "adopted_on", "place", "summary", "topics", "relates_to", "status", "files"]
REPORT_COLUMNS = [
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
EVENT_COLUMNS = ["kind", "ordinal", "title", "start_on", "end_on", "venue", "summary", "topics", "status", "files"]


def write_csv(path, columns, rows, *, bom=False):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})
    path.write_text(("\ufeff" if bom else "") + buffer.getvalue(), encoding="utf-8")
    return path


def run_import(*args):
    out = io.StringIO()
    call_command("import_documents", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


def stored_files(media_root):
    return sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "batch"
    (folder / "pdf").mkdir(parents=True)
    (folder / "pdf" / "d1.pdf").write_bytes(files.pdf_bytes(["Decision one in English"]))
    (folder / "pdf" / "d1-ru.pdf").write_bytes(files.pdf_bytes(["Решение один"]))
    (folder / "pdf" / "d2.docx").write_bytes(files.docx_bytes(["Decision two"]))
    (folder / "pdf" / "page.pdf").write_bytes(b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")
    return folder


def good_decisions(folder, **overrides):
    rows = [
        {
            "symbol": "pc.dec/1001",
            "title": "Decision on victims' assistance",
            "adopted_on": "2021-03-04",
            "place": "Vienna",
            "summary": "Assistance to victims.",
            "topics": "Prevention; child-trafficking",
            "relates_to": "adds_to:PC.DEC/557",
            "status": "published",
            "files": "en:pdf/d1.pdf;ru:pdf/d1-ru.pdf",
        },
        {
            "symbol": "PC.DEC/1001/Rev.1",
            "title": "Decision on victims' assistance (revised)",
            "adopted_on": "2022-01-10",
            "relates_to": "revises:PC.DEC/1001",
            "status": "draft",
            "files": "pdf/d2.docx",
        },
    ]
    rows[0].update(overrides)
    return write_csv(folder / "decisions.csv", DECISION_COLUMNS, rows)


def test_good_decisions_file_creates_decisions_relations_and_files(folder, media_in_tmp):
    output = run_import("decisions", good_decisions(folder))

    assert "2 created, 0 changed, 0 unchanged" in output
    first = Decision.objects.get(symbol="PC.DEC/1001")
    revision = Decision.objects.get(symbol="PC.DEC/1001/Rev.1")
    assert first.title == "Decision on victims' assistance"
    assert first.adopted_on == datetime.date(2021, 3, 4)
    assert first.status == Status.PUBLISHED and revision.status == Status.DRAFT
    assert sorted(first.topics.values_list("slug", flat=True)) == ["child-trafficking", "prevention"]
    # One target already in the library, one created by the same file.
    assert DocumentRelation.objects.filter(source=first, kind="adds_to", target__decision__symbol="PC.DEC/557").exists()
    assert DocumentRelation.objects.filter(source=revision, kind="revises", target=first).exists()


def test_imported_files_are_attached_with_their_language_and_original(folder, media_in_tmp):
    run_import("decisions", good_decisions(folder))

    first = Decision.objects.get(symbol="PC.DEC/1001")
    english, russian = first.attachments.get(language="en"), first.attachments.get(language="ru")
    assert english.is_original and not russian.is_original
    assert english.kind == russian.kind == "full_text"
    assert english.original_name == "d1.pdf"
    assert english.content_type == "application/pdf"
    assert english.sha256 == hashlib.sha256((folder / "pdf" / "d1.pdf").read_bytes()).hexdigest()
    assert english.file.read() == (folder / "pdf" / "d1.pdf").read_bytes()
    # A generated name (hex digits could spell "d1", so the whole pattern is checked).
    assert re.fullmatch(r"attachments/[0-9a-f]{2}/[0-9a-f]{32}\.pdf", english.file.name)
    # A path without a language prefix is the English full text.
    word = Decision.objects.get(symbol="PC.DEC/1001/Rev.1").attachments.get()
    assert (word.language, word.content_type) == ("en", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert len(stored_files(media_in_tmp)) == 3


def test_second_import_of_the_same_file_changes_nothing(folder, media_in_tmp):
    path = good_decisions(folder)
    run_import("decisions", path)
    before = (
        list(Document.objects.order_by("pk").values_list("pk", "updated_at")),
        list(Attachment.objects.order_by("pk").values_list("pk", "sha256")),
        stored_files(media_in_tmp),
    )

    output = run_import("decisions", path)

    assert "0 created, 0 changed, 2 unchanged" in output
    after = (
        list(Document.objects.order_by("pk").values_list("pk", "updated_at")),
        list(Attachment.objects.order_by("pk").values_list("pk", "sha256")),
        stored_files(media_in_tmp),
    )
    assert after == before


def test_changed_row_and_new_file_bytes_count_as_a_change(folder, media_in_tmp, django_capture_on_commit_callbacks):
    run_import("decisions", good_decisions(folder))
    (folder / "pdf" / "d1-ru.pdf").write_bytes(files.pdf_bytes(["Новая редакция"]))

    with django_capture_on_commit_callbacks(execute=True):
        output = run_import("decisions", good_decisions(folder, title="Renamed"), "-v2")

    assert "0 created, 1 changed, 1 unchanged" in output
    assert "title" in output
    first = Decision.objects.get(symbol="PC.DEC/1001")
    assert first.title == "Renamed"
    russian = first.attachments.get(language="ru")
    assert russian.sha256 == hashlib.sha256((folder / "pdf" / "d1-ru.pdf").read_bytes()).hexdigest()
    assert first.attachments.count() == 2
    # The replaced bytes are gone from storage.
    assert len(stored_files(media_in_tmp)) == 3


def test_bad_rows_are_reported_by_number_and_nothing_is_written(folder, media_in_tmp):
    documents_before = Document.objects.count()
    path = write_csv(
        folder / "bad.csv",
        DECISION_COLUMNS,
        [
            {"symbol": "PC.DEC/2001", "title": "Fine", "adopted_on": "2021-01-01", "files": "pdf/d1.pdf"},
            {"symbol": "PC.DOC/12", "title": "Bad symbol", "adopted_on": "2021-01-01"},
            {"symbol": "PC.DEC/2002", "title": "", "adopted_on": "2021-02-30"},
            {"symbol": "PC.DEC/2003", "title": "T", "adopted_on": "2021-01-01", "topics": "no such topic"},
            {"symbol": "PC.DEC/2004", "title": "T", "adopted_on": "2021-01-01", "relates_to": "revises:PC.DEC/9999"},
            {"symbol": "PC.DEC/2001", "title": "Twice", "adopted_on": "2021-01-01"},
            {"symbol": "PC.DEC/2005", "title": "T", "adopted_on": "2021-01-01", "status": "secret"},
        ],
    )

    with pytest.raises(CommandError) as raised:
        run_import("decisions", path)

    message = str(raised.value)
    assert "6 bad row(s)" in message
    assert "Row 3: symbol:" in message
    assert "Row 4: title: required; adopted_on: “2021-02-30” is not a date" in message
    assert "Row 5: topics: unknown topic “no such topic”" in message
    assert "Row 6: relates_to: no decision PC.DEC/9999" in message
    assert "Row 7: PC.DEC/2001 is already in row 2" in message
    assert "Row 8: status: “secret” is not one of draft, published" in message
    assert "Row 2" not in message
    assert Document.objects.count() == documents_before
    assert stored_files(media_in_tmp) == []


def test_a_file_of_a_refused_type_is_reported_with_the_reason(folder, media_in_tmp):
    path = write_csv(
        folder / "html.csv",
        DECISION_COLUMNS,
        [
            {"symbol": "PC.DEC/2101", "title": "Ok", "adopted_on": "2021-01-01", "files": "pdf/d1.pdf"},
            {"symbol": "PC.DEC/2102", "title": "Html", "adopted_on": "2021-01-01", "files": "en:pdf/page.pdf"},
        ],
    )

    with pytest.raises(CommandError) as raised:
        run_import("decisions", path)

    assert "Row 3: files: “pdf/page.pdf”: Files of this type (text/html) are not accepted" in str(raised.value)
    assert not Decision.objects.filter(symbol__in=["PC.DEC/2101", "PC.DEC/2102"]).exists()
    assert stored_files(media_in_tmp) == []


@pytest.mark.parametrize(
    "reference, reason",
    [
        ("../../etc/passwd", "leaves the CSV's folder"),
        ("en:pdf/../../secret.pdf", "leaves the CSV's folder"),
        ("/etc/passwd", "is an absolute path"),
        ("en:C:\\Windows\\win.ini", "is an absolute path"),
        ("pdf/missing.pdf", "no file “pdf/missing.pdf”"),
        ("xx:pdf/d1.pdf", "“xx” is not an ISO 639-1 language code"),
        ("en:pdf/d1.pdf;en:pdf/d1-ru.pdf", "one file per kind and language"),
    ],
)
def test_file_references_outside_the_folder_or_wrong_are_refused(folder, media_in_tmp, reference, reason):
    (folder.parent / "secret.pdf").write_bytes(files.pdf_bytes())
    path = write_csv(
        folder / "paths.csv",
        DECISION_COLUMNS,
        [{"symbol": "PC.DEC/2201", "title": "T", "adopted_on": "2021-01-01", "files": reference}],
    )

    with pytest.raises(CommandError) as raised:
        run_import("decisions", path)

    assert "Row 2: files:" in str(raised.value)
    assert reason in str(raised.value)
    assert not Decision.objects.filter(symbol="PC.DEC/2201").exists()


def test_dry_run_checks_everything_and_writes_nothing(folder, media_in_tmp):
    documents_before = Document.objects.count()

    output = run_import("decisions", good_decisions(folder), "--dry-run")

    assert "Dry run, nothing written: would be 2 created" in output
    assert Document.objects.count() == documents_before
    assert stored_files(media_in_tmp) == []


def test_dry_run_reports_bad_rows_too(folder):
    path = write_csv(folder / "bad.csv", DECISION_COLUMNS, [{"symbol": "nonsense", "title": "T", "adopted_on": "2021-01-01"}])
    with pytest.raises(CommandError, match="Row 2: symbol"):
        run_import("decisions", path, "--dry-run")


@pytest.mark.parametrize(
    "header, reason",
    [
        ("symbol,title,adopted_on,colour", "unknown columns: colour"),
        ("symbol,title,place", "missing required columns: adopted_on"),
        ("symbol,title,adopted_on,title", "columns given twice: title"),
    ],
)
def test_wrong_header_is_a_clear_error(tmp_path, header, reason):
    path = tmp_path / "header.csv"
    path.write_text(f"{header}\nPC.DEC/2301,T,2021-01-01,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match=reason):
        run_import("decisions", path)


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("symbol,title,adopted_on\nPC.DEC/2401,Décision,2021-01-01\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run_import("decisions", path)
    assert not Decision.objects.filter(symbol="PC.DEC/2401").exists()


def test_a_byte_order_mark_and_partial_columns_are_accepted(tmp_path):
    path = write_csv(
        tmp_path / "bom.csv",
        ["symbol", "title", "adopted_on"],
        [{"symbol": "MC.DEC/5/21", "title": "Décision", "adopted_on": "2021-12-03"}],
        bom=True,
    )
    run_import("decisions", path)
    decision = Decision.objects.get(symbol="MC.DEC/5/21")
    assert (decision.year, decision.title, decision.status) == (2021, "Décision", Status.DRAFT)


def test_absent_optional_columns_leave_stored_values_alone(tmp_path):
    decision = DecisionFactory(number=2501, place="Madrid", summary="Kept.", published=True)
    path = write_csv(
        tmp_path / "partial.csv",
        ["symbol", "title", "adopted_on"],
        [{"symbol": "PC.DEC/2501", "title": decision.title, "adopted_on": decision.adopted_on.isoformat()}],
    )
    assert "0 created, 0 changed, 1 unchanged" in run_import("decisions", path)
    decision.refresh_from_db()
    assert (decision.place, decision.summary, decision.status) == ("Madrid", "Kept.", Status.PUBLISHED)


def test_the_acting_user_is_recorded(folder):
    user = publisher(username="officer")
    run_import("decisions", good_decisions(folder), "--user", "officer")
    decision = Decision.objects.get(symbol="PC.DEC/1001")
    assert decision.created_by == user and decision.updated_by == user
    assert decision.attachments.first().uploaded_by == user


def test_an_editor_imports_drafts_but_may_not_publish(folder):
    UserFactory(username="editor", staff=True)
    with pytest.raises(CommandError, match="Row 2: only Publishers may publish"):
        run_import("decisions", good_decisions(folder), "--user", "editor")
    assert not Decision.objects.filter(symbol__startswith="PC.DEC/1001").exists()

    run_import("decisions", good_decisions(folder, status="draft"), "--user", "editor")
    assert Decision.objects.get(symbol="PC.DEC/1001").status == Status.DRAFT


def test_an_editor_may_not_change_a_published_decision_by_import(tmp_path):
    UserFactory(username="editor", staff=True)
    decision = DecisionFactory(number=2601, published=True)
    path = write_csv(
        tmp_path / "change.csv",
        ["symbol", "title", "adopted_on"],
        [{"symbol": "PC.DEC/2601", "title": "Changed by an editor", "adopted_on": decision.adopted_on.isoformat()}],
    )
    with pytest.raises(CommandError, match="Row 2: only Publishers"):
        run_import("decisions", path, "--user", "editor")
    decision.refresh_from_db()
    assert decision.title != "Changed by an editor"


def test_an_unknown_user_is_refused(folder):
    with pytest.raises(CommandError, match="No user called “ghost”"):
        run_import("decisions", good_decisions(folder), "--user", "ghost")


def test_files_stored_before_a_failure_are_removed_again(folder, media_in_tmp, monkeypatch):
    real_create = core_services.attachment_create
    calls = []

    def fail_on_second_file(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            from django.core.exceptions import ValidationError

            raise ValidationError("Storage refused the file.")
        return real_create(**kwargs)

    monkeypatch.setattr(core_services, "attachment_create", fail_on_second_file)
    documents_before = Document.objects.count()

    with pytest.raises(CommandError, match="Row 2: Storage refused the file."):
        run_import("decisions", good_decisions(folder))

    assert len(calls) == 2
    assert Document.objects.count() == documents_before
    assert Attachment.objects.count() == 0
    assert stored_files(media_in_tmp) == []


def report_rows(**overrides):
    row = {
        "country": "it",
        "representative": "MARÍA GRAZIA GIAMMARINARO",
        "visit_periods": "2015-06-17/2015-06-18;2015-07-15/2015-07-19",
        "published_on": "2016-01-20",
        "title": "Report following the visit to Italy in 2015",
        "summary": "Findings.",
        "topics": "protection",
        "status": "published",
        "files": "en:pdf/d1.pdf",
        "recommendations": "prevention:Raise awareness. | Protection:Identify victims early. | policy and co-ordination:Appoint a rapporteur.",
    }
    row.update(overrides)
    return [row]


def test_reports_import_with_periods_recommendations_and_accentless_representative(folder, media_in_tmp):
    path = write_csv(folder / "reports.csv", REPORT_COLUMNS, report_rows())

    assert "1 created" in run_import("reports", path)

    report = CountryVisitReport.objects.get(title="Report following the visit to Italy in 2015")
    assert report.country.iso2 == "IT"
    assert report.representative.slug == "maria-grazia-giammarinaro"
    assert list(report.visit_periods.values_list("start_on", "end_on")) == [
        (datetime.date(2015, 6, 17), datetime.date(2015, 6, 18)),
        (datetime.date(2015, 7, 15), datetime.date(2015, 7, 19)),
    ]
    assert list(report.recommendations.values_list("number", "area", "text")) == [
        (1, "prevention", "Raise awareness."),
        (2, "protection", "Identify victims early."),
        (3, "coordination", "Appoint a rapporteur."),
    ]
    assert report.published_on == datetime.date(2016, 1, 20)
    assert report.attachments.get().is_original
    assert "0 created, 0 changed, 1 unchanged" in run_import("reports", path)


def test_report_natural_key_is_country_and_first_visit_day(folder):
    run_import("reports", write_csv(folder / "r.csv", REPORT_COLUMNS, report_rows(files="")))
    changed = write_csv(
        folder / "r2.csv",
        REPORT_COLUMNS,
        report_rows(files="", representative="maria-grazia-giammarinaro", recommendations="prevention:Only one."),
    )

    assert "0 created, 1 changed" in run_import("reports", changed)
    report = CountryVisitReport.objects.get(country__iso2="IT", title__contains="2015")
    assert list(report.recommendations.values_list("text", flat=True)) == ["Only one."]


def test_bad_report_rows_are_reported(folder):
    path = write_csv(
        folder / "bad-reports.csv",
        REPORT_COLUMNS,
        report_rows(country="QQ", representative="Nobody", visit_periods="2015-06-18/2015-06-17", recommendations="weather:Sun.", files=""),
    )
    with pytest.raises(CommandError) as raised:
        run_import("reports", path)
    message = str(raised.value)
    assert "Row 2: country: no participating State or Partner with the ISO code “QQ”" in message
    assert "representative: no Special Representative called “Nobody”" in message
    assert "the visit “2015-06-18/2015-06-17” ends before it starts" in message
    assert "“weather:Sun.” is not AREA:TEXT" in message


def event_rows(**overrides):
    row = {
        "kind": "Expert meeting",
        "ordinal": "12th",
        "title": "Alliance expert meeting on technology",
        "start_on": "2019-11-04",
        "end_on": "2019-11-05",
        "venue": "Hofburg, Vienna",
        "summary": "Technology and trafficking.",
        "topics": "prevention",
        "status": "published",
        "files": "en:agenda:pdf/d1.pdf;fr:pdf/d2.docx",
    }
    row.update(overrides)
    return [row]


def test_events_import_and_reimport_changes_nothing(folder, media_in_tmp):
    path = write_csv(folder / "events.csv", EVENT_COLUMNS, event_rows())

    assert "1 created" in run_import("events", path)
    event = AllianceEvent.objects.get(title="Alliance expert meeting on technology")
    assert (event.event_kind, event.ordinal, event.end_on) == ("expert_meeting", 12, datetime.date(2019, 11, 5))
    assert event.status == Status.PUBLISHED
    assert set(event.attachments.values_list("kind", "language", "is_original")) == {
        ("agenda", "en", True),
        ("full_text", "fr", False),
    }
    assert "0 created, 0 changed, 1 unchanged" in run_import("events", path)
    assert len(stored_files(media_in_tmp)) == 2


def test_bad_event_rows_are_reported(folder):
    path = write_csv(
        folder / "bad-events.csv",
        EVENT_COLUMNS,
        event_rows(kind="party", ordinal="first", end_on="2019-11-01", files=""),
    )
    with pytest.raises(CommandError) as raised:
        run_import("events", path)
    message = str(raised.value)
    assert "Row 2: kind: “party” is not one of conference, expert_meeting, workshop" in message
    assert "ordinal: “first” is not an ordinal" in message
    assert "end_on: the event cannot end before it starts" in message
    assert not AllianceEvent.objects.filter(title="Alliance expert meeting on technology").exists()


def test_a_short_row_has_its_missing_cells_empty(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("symbol,title,adopted_on,place\nPC.DEC/2701,Short,2021-01-01\n", encoding="utf-8")
    run_import("decisions", path)
    assert Decision.objects.get(symbol="PC.DEC/2701").place == ""


def test_a_row_with_more_cells_than_columns_is_reported(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("symbol,title,adopted_on\nPC.DEC/2702,Long,2021-01-01,extra\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Row 2: more cells than the header has columns"):
        run_import("decisions", path)
