"""The admin's "Import CSV" page (upload, preview, confirm) and the "Export
selected as CSV" action on decisions, reports and Alliance events."""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from alliance.models import AllianceEvent
from decisions.models import Decision
from osce_docs.models import Document
from tests import files
from tests.factories import DecisionFactory, EventFactory

pytestmark = pytest.mark.django_db

DECISIONS_CSV = (
    "symbol,title,adopted_on,place,summary,topics,relates_to,status,files\n"
    "PC.DEC/7001,Imported decision,2021-05-06,Vienna,From the admin,prevention,revises:PC.DEC/557,published,"
    "en:texts/pc7001.pdf;fr:texts/pc7001-fr.pdf\n"
    "PC.DEC/557,OSCE Action Plan to Combat Trafficking in Human Beings,2003-07-24,Vienna,Short summary.,,,published,\n"
)
IMPORT_URL = reverse("admin:decisions_decision_import")


def csv_upload(text, name="decisions.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def zip_upload(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return SimpleUploadedFile("files.zip", buffer.getvalue(), content_type="application/zip")


def texts_zip():
    return zip_upload(
        {
            "texts/pc7001.pdf": files.pdf_bytes(["Imported decision"]),
            "texts/pc7001-fr.pdf": files.pdf_bytes(["Décision importée"]),
        }
    )


def pending_uploads(media_root):
    folder = media_root / "import-uploads"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.mark.parametrize(
    "changelist, import_url",
    [
        ("admin:decisions_decision_changelist", "admin:decisions_decision_import"),
        ("admin:decisions_countryvisitreport_changelist", "admin:decisions_countryvisitreport_import"),
        ("admin:alliance_allianceevent_changelist", "admin:alliance_allianceevent_import"),
    ],
)
def test_the_changelists_offer_an_import_button_leading_to_the_upload_form(staff_client, changelist, import_url):
    page = staff_client.get(reverse(changelist)).content.decode()
    assert f'href="{reverse(import_url)}"' in page
    assert "Import CSV" in page
    form_page = staff_client.get(reverse(import_url))
    assert form_page.status_code == 200
    assert 'name="csv_file"' in form_page.content.decode()


def test_preview_shows_each_row_and_writes_nothing(staff_client, media_in_tmp):
    documents_before = Document.objects.count()

    response = staff_client.post(IMPORT_URL, {"csv_file": csv_upload(DECISIONS_CSV), "files_zip": texts_zip()})

    assert response.status_code == 200
    report = response.context["report"]
    assert [(plan.row, plan.label, plan.action) for plan in report.plans] == [
        (2, "PC.DEC/7001", "create"),
        (3, "PC.DEC/557", "change"),
    ]
    assert report.plans[1].changes == ["summary", "topics"]
    page = response.content.decode()
    assert "1 created, 1 changed, 0 unchanged" in page
    assert "Confirm import" in page
    assert Document.objects.count() == documents_before
    assert not (media_in_tmp / "attachments").exists()


def test_confirm_applies_the_previewed_import_with_the_zipped_files(staff_client, media_in_tmp):
    preview = staff_client.post(IMPORT_URL, {"csv_file": csv_upload(DECISIONS_CSV), "files_zip": texts_zip()})

    response = staff_client.post(IMPORT_URL, {"token": preview.context["token"]})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:decisions_decision_changelist")
    decision = Decision.objects.get(symbol="PC.DEC/7001")
    assert decision.created_by == staff_client.user
    assert set(decision.attachments.values_list("language", "is_original", "uploaded_by")) == {
        ("en", True, staff_client.user.pk),
        ("fr", False, staff_client.user.pk),
    }
    assert decision.relations_out.get().target.decision.symbol == "PC.DEC/557"
    assert pending_uploads(media_in_tmp) == []
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "Imported: 1 created, 1 changed, 0 unchanged." in messages
    action_plan = Decision.objects.get(symbol="PC.DEC/557")
    assert action_plan.summary == "Short summary." and action_plan.updated_by == staff_client.user


def test_bad_rows_are_listed_by_number_without_a_confirm_button(staff_client, media_in_tmp):
    bad = DECISIONS_CSV + "PC.DEC/7002,No date,,,,,,,\nPC.DEC/7003,Outside,2021-01-01,,,,,,../../etc/passwd\n"
    documents_before = Document.objects.count()

    response = staff_client.post(IMPORT_URL, {"csv_file": csv_upload(bad), "files_zip": texts_zip()})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing can be imported: 2 rows have errors." in page
    assert "Row 4: adopted_on: required" in page
    assert "Row 5: files: “../../etc/passwd” leaves the CSV&#x27;s folder" in page
    assert "Confirm import" not in page
    assert response.context["token"] is None
    assert Document.objects.count() == documents_before
    assert pending_uploads(media_in_tmp) == []


def test_files_named_without_a_zip_are_row_errors(staff_client):
    response = staff_client.post(IMPORT_URL, {"csv_file": csv_upload(DECISIONS_CSV)})

    assert "Row 2: files: “texts/pc7001.pdf” is named but no ZIP with the files was uploaded" in response.content.decode()


def test_a_refused_file_type_in_the_zip_is_a_row_error(staff_client):
    archive = zip_upload({"texts/pc7001.pdf": b"<html><body>hi</body></html>", "texts/pc7001-fr.pdf": files.pdf_bytes()})

    response = staff_client.post(IMPORT_URL, {"csv_file": csv_upload(DECISIONS_CSV), "files_zip": archive})

    assert "Row 2: files: “texts/pc7001.pdf”: Files of this type (text/html) are not accepted" in response.content.decode()


def test_a_wrong_header_is_shown_on_the_form(staff_client, media_in_tmp):
    response = staff_client.post(IMPORT_URL, {"csv_file": csv_upload("symbol,name\nPC.DEC/1,x\n")})

    assert response.status_code == 200
    page = response.content.decode()
    assert "unknown columns: name" in page
    assert "missing required columns: title, adopted_on" in page
    assert pending_uploads(media_in_tmp) == []


def test_an_upload_that_is_not_a_zip_is_a_form_error(staff_client):
    not_zip = SimpleUploadedFile("files.zip", b"plain text", content_type="application/zip")

    response = staff_client.post(IMPORT_URL, {"csv_file": csv_upload(DECISIONS_CSV), "files_zip": not_zip})

    assert response.status_code == 200
    assert "This is not a ZIP archive." in response.content.decode()


@pytest.mark.parametrize("token", ["made-up", ""])
def test_a_stale_or_unknown_token_is_explained_not_an_error(staff_client, token):
    response = staff_client.post(IMPORT_URL, {"token": token}, follow=True)

    assert response.status_code == 200
    assert "This import preview has expired or was already used" in response.content.decode()


def test_confirming_twice_imports_once(staff_client):
    preview = staff_client.post(IMPORT_URL, {"csv_file": csv_upload(DECISIONS_CSV), "files_zip": texts_zip()})
    staff_client.post(IMPORT_URL, {"token": preview.context["token"]})

    again = staff_client.post(IMPORT_URL, {"token": preview.context["token"]}, follow=True)

    assert "This import preview has expired or was already used" in again.content.decode()
    assert Decision.objects.filter(symbol="PC.DEC/7001").count() == 1


def test_cancel_discards_the_upload(staff_client, media_in_tmp):
    preview = staff_client.post(IMPORT_URL, {"csv_file": csv_upload(DECISIONS_CSV), "files_zip": texts_zip()})
    assert len(pending_uploads(media_in_tmp)) == 2

    staff_client.post(IMPORT_URL, {"token": preview.context["token"], "cancel": "Cancel"})

    assert pending_uploads(media_in_tmp) == []
    assert not Decision.objects.filter(symbol="PC.DEC/7001").exists()


def test_a_token_from_another_kind_is_refused(staff_client):
    preview = staff_client.post(IMPORT_URL, {"csv_file": csv_upload(DECISIONS_CSV), "files_zip": texts_zip()})

    response = staff_client.post(
        reverse("admin:alliance_allianceevent_import"), {"token": preview.context["token"]}, follow=True
    )

    assert "This import preview has expired or was already used" in response.content.decode()
    assert not Decision.objects.filter(symbol="PC.DEC/7001").exists()


def test_staff_without_add_permission_cannot_import(client, django_user_model):
    user = django_user_model.objects.create_user("viewer", password="a-long-test-password-1", is_staff=True)
    client.force_login(user)
    assert client.get(IMPORT_URL).status_code == 403


def test_events_import_through_the_admin(staff_client):
    text = "kind,title,start_on,end_on\nworkshop,Admin workshop,2022-02-02,2022-02-03\n"
    url = reverse("admin:alliance_allianceevent_import")
    preview = staff_client.post(url, {"csv_file": csv_upload(text, "events.csv")})

    staff_client.post(url, {"token": preview.context["token"]})

    event = AllianceEvent.objects.get(title="Admin workshop")
    assert event.event_kind == "workshop" and event.created_by == staff_client.user


def test_export_selected_as_csv_gives_the_import_shape(staff_client):
    chosen = DecisionFactory(number=7101)
    DecisionFactory(number=7102)

    response = staff_client.post(
        reverse("admin:decisions_decision_changelist"),
        {"action": "export_selected_csv", "_selected_action": [chosen.pk]},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="decisions.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert [row["symbol"] for row in rows] == ["PC.DEC/7101"]
    assert rows[0]["title"] == chosen.title


def test_export_selected_events_as_csv(staff_client):
    event = EventFactory(ordinal=3)

    response = staff_client.post(
        reverse("admin:alliance_allianceevent_changelist"),
        {"action": "export_selected_csv", "_selected_action": [event.pk]},
    )

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert (rows[0]["kind"], rows[0]["ordinal"], rows[0]["title"]) == ("conference", "3", event.title)


def test_an_editor_sees_rows_that_would_publish_refused(client):
    from django.contrib.auth.models import Group

    from osce_docs.roles import EDITORS
    from tests.factories import UserFactory

    editor = UserFactory(staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(editor)
    text = "kind,title,start_on,end_on,status\nworkshop,Draft workshop,2022-02-02,2022-02-03,draft\nworkshop,Public workshop,2022-03-02,2022-03-03,published\n"

    response = client.post(reverse("admin:alliance_allianceevent_import"), {"csv_file": csv_upload(text, "events.csv")})

    assert response.status_code == 200
    assert "Row 3: only Publishers may publish, unpublish or change published documents" in response.content.decode()
    assert response.context["token"] is None
    assert not AllianceEvent.objects.filter(title__in=["Draft workshop", "Public workshop"]).exists()


def test_previews_left_for_a_day_are_discarded_by_the_next_upload(staff_client, media_in_tmp):
    import os
    import time

    first = staff_client.post(IMPORT_URL, {"csv_file": csv_upload(DECISIONS_CSV), "files_zip": texts_zip()})
    old = pending_uploads(media_in_tmp)
    day_and_a_bit_ago = time.time() - 25 * 3600
    for path in old:
        os.utime(path, (day_and_a_bit_ago, day_and_a_bit_ago))

    staff_client.post(IMPORT_URL, {"csv_file": csv_upload(DECISIONS_CSV), "files_zip": texts_zip()})

    remaining = pending_uploads(media_in_tmp)
    assert len(remaining) == 2 and not set(old) & set(remaining)
    stale = staff_client.post(IMPORT_URL, {"token": first.context["token"]}, follow=True)
    assert "The uploaded files are gone: upload the CSV again." in stale.content.decode()


def test_a_zip_of_the_whole_folder_is_read_below_its_top_folder(staff_client):
    archive = zip_upload(
        {
            "batch/texts/pc7001.pdf": files.pdf_bytes(["Imported decision"]),
            "batch/texts/pc7001-fr.pdf": files.pdf_bytes(["Décision importée"]),
        }
    )

    preview = staff_client.post(IMPORT_URL, {"csv_file": csv_upload(DECISIONS_CSV), "files_zip": archive})

    assert preview.context["report"].errors == []
    staff_client.post(IMPORT_URL, {"token": preview.context["token"]})
    assert Decision.objects.get(symbol="PC.DEC/7001").attachments.count() == 2


def test_reports_import_through_the_admin_with_their_files(staff_client):
    from decisions.models import CountryVisitReport

    text = (
        "country,representative,visit_periods,published_on,title,summary,topics,status,files,recommendations\n"
        "AT,Valiant Richey,2021-10-04/2021-10-06,2022-03-01,Visit to Austria,,protection,published,"
        "en:report.pdf;de:bericht.pdf,protection:Identify victims. | data:Collect data.\n"
    )
    archive = zip_upload({"report.pdf": files.pdf_bytes(["Report"]), "bericht.pdf": files.pdf_bytes(["Bericht"])})
    url = reverse("admin:decisions_countryvisitreport_import")

    preview = staff_client.post(url, {"csv_file": csv_upload(text, "reports.csv"), "files_zip": archive})
    assert [(plan.row, plan.action) for plan in preview.context["report"].plans] == [(2, "create")]
    staff_client.post(url, {"token": preview.context["token"]})

    report = CountryVisitReport.objects.get(title="Visit to Austria")
    assert report.representative.slug == "valiant-richey"
    assert list(report.recommendations.values_list("number", "area")) == [(1, "protection"), (2, "data")]
    assert set(report.attachments.values_list("language", "is_original")) == {("en", True), ("de", False)}
