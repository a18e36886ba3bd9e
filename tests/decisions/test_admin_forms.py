"""Staff create and correct records through the admin in one POST; bad
entries come back as form errors (status 200, the reason shown), never a 500."""

import datetime
import hashlib
import re

import pytest
from django.urls import reverse

from decisions.models import CountryVisitReport, Decision
from osce_docs.models import Attachment, SpecialRepresentative, State, Status
from tests import files
from tests.factories import AttachmentFactory, DecisionFactory

pytestmark = pytest.mark.django_db


def inline_management(client, url, counts):
    """The management-form data of every inline on the page at URL, with
    COUNTS[prefix] forms sent (0 for the others)."""
    response = client.get(url)
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data[f"{prefix}-TOTAL_FORMS"] = str(counts.get(prefix, 0))
        data[f"{prefix}-INITIAL_FORMS"] = str(inline.formset.initial_form_count())
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    return data


def report_post(client, *, periods, attachments, recommendations=2):
    url = reverse("admin:decisions_countryvisitreport_add")
    data = inline_management(
        client,
        url,
        {"visit_periods": len(periods), "recommendations": recommendations, "attachments": len(attachments)},
    )
    data.update(
        {
            "title": "Report following the visit to Italy",
            "slug": "italy-visit-report",
            "country": State.objects.get(iso2="IT").pk,
            "representative": SpecialRepresentative.objects.get(slug="maria-grazia-giammarinaro").pk,
            "status": Status.PUBLISHED,
            "published_on": "2014-03-01",
            "summary": "What the Special Representative found.",
        }
    )
    for index, (start, end) in enumerate(periods):
        data[f"visit_periods-{index}-start_on"] = start
        data[f"visit_periods-{index}-end_on"] = end
    for index in range(recommendations):
        data[f"recommendations-{index}-number"] = str(index + 1)
        data[f"recommendations-{index}-area"] = ["prevention", "protection"][index % 2]
        data[f"recommendations-{index}-text"] = f"Recommendation text {index + 1}."
    for index, (upload, language) in enumerate(attachments):
        data[f"attachments-{index}-file"] = upload
        data[f"attachments-{index}-kind"] = "full_text"
        data[f"attachments-{index}-language"] = language
    return client.post(url, data)


def test_report_with_periods_recommendations_and_a_pdf_is_created_in_one_post(staff_client, media_in_tmp):
    pdf = files.pdf_bytes(["Report on Italy"])
    upload = files.upload("Italy report FINAL (2).pdf", pdf, "application/pdf")

    response = report_post(
        staff_client, periods=[("2013-06-17", "2013-06-18"), ("2013-07-15", "2013-07-19")], attachments=[(upload, "en")]
    )

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    report = CountryVisitReport.objects.get(slug="italy-visit-report")
    assert report.created_by == staff_client.user and report.updated_by == staff_client.user
    assert report.status == Status.PUBLISHED
    assert list(report.visit_periods.values_list("start_on", "end_on")) == [
        (datetime.date(2013, 6, 17), datetime.date(2013, 6, 18)),
        (datetime.date(2013, 7, 15), datetime.date(2013, 7, 19)),
    ]
    assert list(report.recommendations.values_list("number", "area", "text")) == [
        (1, "prevention", "Recommendation text 1."),
        (2, "protection", "Recommendation text 2."),
    ]
    attachment = report.attachments.get()
    assert attachment.file.open("rb").read() == pdf
    assert attachment.sha256 == hashlib.sha256(pdf).hexdigest()
    assert attachment.size == len(pdf)
    assert attachment.content_type == "application/pdf"
    assert attachment.original_name == "Italy report FINAL (2).pdf"
    assert attachment.uploaded_by == staff_client.user
    assert "Italy" not in attachment.file.name and "FINAL" not in attachment.file.name
    assert re.fullmatch(r"attachments/[0-9a-f]{2}/[0-9a-f]{32}\.pdf", attachment.file.name)


def test_a_visit_ending_before_it_starts_is_a_form_error(staff_client):
    response = report_post(staff_client, periods=[("2013-06-18", "2013-06-17")], attachments=[])

    assert response.status_code == 200
    assert "A visit cannot end before it starts." in response.content.decode()
    assert not CountryVisitReport.objects.filter(slug="italy-visit-report").exists()


def test_a_second_english_full_text_is_a_form_error(staff_client, media_in_tmp):
    response = report_post(
        staff_client,
        periods=[("2013-06-17", "2013-06-18")],
        attachments=[(files.pdf_upload("a.pdf"), "en"), (files.pdf_upload("b.pdf", pages=["Other"]), "en")],
    )

    assert response.status_code == 200
    assert "Two files have the same kind and language" in response.content.decode()
    assert not CountryVisitReport.objects.filter(slug="italy-visit-report").exists()
    assert Attachment.objects.count() == 0


def test_a_second_english_full_text_on_a_stored_record_is_a_form_error(staff_client, media_in_tmp):
    existing = AttachmentFactory(language="en")
    decision = Decision.objects.get(pk=existing.document_id)
    url = reverse("admin:decisions_decision_change", args=[decision.pk])
    data = inline_management(staff_client, url, {"attachments": 2})
    data.update(
        {
            "body": "PC",
            "number": str(decision.number),
            "title": decision.title,
            "slug": decision.slug,
            "status": decision.status,
            "adopted_on": decision.adopted_on.isoformat(),
            "original_language": "en",
            "attachments-0-id": existing.pk,
            "attachments-0-document": decision.pk,
            "attachments-0-kind": "full_text",
            "attachments-0-language": "en",
            "attachments-1-file": files.pdf_upload("again.pdf", pages=["Again"]),
            "attachments-1-kind": "full_text",
            "attachments-1-language": "en",
        }
    )

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "Two files have the same kind and language" in response.content.decode()
    assert decision.attachments.count() == 1


def test_an_html_file_renamed_to_pdf_is_refused_with_the_reason(staff_client, media_in_tmp):
    html = files.upload("report.pdf", b"<!DOCTYPE html><html><body><p>Not a PDF</p></body></html>", "application/pdf")

    response = report_post(staff_client, periods=[("2013-06-17", "2013-06-18")], attachments=[(html, "en")])

    assert response.status_code == 200
    assert "Files of this type (text/html) are not accepted" in response.content.decode()
    assert not CountryVisitReport.objects.filter(slug="italy-visit-report").exists()
    assert not media_in_tmp.exists() or not [p for p in media_in_tmp.rglob("*") if p.is_file()]


def decision_post(client, **overrides):
    url = reverse("admin:decisions_decision_add")
    data = inline_management(client, url, {})
    data.update(
        {
            "body": "PC",
            "number": "3900",
            "title": "A decision",
            "slug": "a-decision",
            "status": Status.DRAFT,
            "adopted_on": "2020-01-01",
            "original_language": "en",
        }
    )
    data.update(overrides)
    return client.post(url, data)


def test_a_duplicate_symbol_is_a_form_error(staff_client):
    DecisionFactory(number=3900)

    response = decision_post(staff_client)

    assert response.status_code == 200
    assert "A decision with the symbol PC.DEC/3900 exists already." in response.content.decode()
    assert Decision.objects.filter(symbol="PC.DEC/3900").count() == 1


def test_a_ministerial_council_decision_without_year_is_a_form_error(staff_client):
    response = decision_post(staff_client, body="MC")

    assert response.status_code == 200
    assert "A Ministerial Council symbol needs its year" in response.content.decode()


def test_a_report_without_a_visit_period_is_a_form_error(staff_client):
    response = report_post(staff_client, periods=[], attachments=[])

    assert response.status_code == 200
    assert "A report needs at least one visit period." in response.content.decode()
    assert not CountryVisitReport.objects.filter(slug="italy-visit-report").exists()


def test_deleting_the_only_visit_period_is_a_form_error(staff_client):
    report_post(staff_client, periods=[("2013-06-17", "2013-06-18")], attachments=[])
    report = CountryVisitReport.objects.get(slug="italy-visit-report")
    period = report.visit_periods.get()
    url = reverse("admin:decisions_countryvisitreport_change", args=[report.pk])
    data = inline_management(staff_client, url, {"visit_periods": 1})
    data.update(
        {
            "title": report.title,
            "slug": report.slug,
            "country": report.country_id,
            "representative": report.representative_id,
            "status": report.status,
            "published_on": "2014-03-01",
            "visit_periods-0-id": period.pk,
            "visit_periods-0-report": report.pk,
            "visit_periods-0-start_on": "2013-06-17",
            "visit_periods-0-end_on": "2013-06-18",
            "visit_periods-0-DELETE": "on",
        }
    )

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "A report needs at least one visit period." in response.content.decode()
    assert report.visit_periods.count() == 1


def test_a_new_report_cannot_revise_a_decision(staff_client):
    decision = DecisionFactory()
    url = reverse("admin:decisions_countryvisitreport_add")
    data = inline_management(staff_client, url, {"visit_periods": 1, "relations_out": 1})
    data.update(
        {
            "title": "Report",
            "slug": "report-revising",
            "country": State.objects.get(iso2="IT").pk,
            "representative": SpecialRepresentative.objects.get(slug="maria-grazia-giammarinaro").pk,
            "status": Status.DRAFT,
            "visit_periods-0-start_on": "2013-06-17",
            "visit_periods-0-end_on": "2013-06-18",
            "relations_out-0-kind": "revises",
            "relations_out-0-target": decision.pk,
        }
    )

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "“revises” links two decisions." in response.content.decode()
    assert not CountryVisitReport.objects.filter(slug="report-revising").exists()
    data["relations_out-0-kind"] = "cites"
    assert staff_client.post(url, data).status_code == 302
