"""The shared public pages: home, search, countries, topics, robots, sitemap, feeds."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.models import FollowUpStatus
from osce_docs.models import Document
from tests.factories import (
    DecisionFactory,
    EventFactory,
    FollowUpFactory,
    RecommendationFactory,
    ReportFactory,
    StateFactory,
    StatementFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def test_home_counts_only_published_documents_and_lists_the_latest(client):
    before = client.get(reverse("core:home")).context["counts"]
    DecisionFactory(published=True, title="A published decision on victims")
    DecisionFactory(title="A draft decision nobody may see")
    ReportFactory(published=True)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    counts = response.context["counts"]
    assert counts["decisions"] == before["decisions"] + 1
    assert counts["reports"] == before["reports"] + 1
    assert "A published decision on victims" in response.text
    assert "A draft decision nobody may see" not in response.text


def test_home_has_a_search_box_and_the_main_landmarks(client):
    response = client.get(reverse("core:home"))
    html = response.text
    assert 'action="/search/"' in html and 'name="q"' in html
    for landmark in ("<header", "<nav", '<main id="main"', "<footer", 'href="#main"'):
        assert landmark in html


def test_home_browses_countries_and_topics_with_published_documents_only(client):
    topic = TopicFactory(name="Only drafts here")
    state = StateFactory(name="Draftland")
    DecisionFactory(topics=[topic], states=[state])
    html = client.get(reverse("core:home")).text
    assert "Only drafts here" not in html
    assert "Draftland" not in html
    DecisionFactory(published=True, topics=[topic], states=[state])
    html = client.get(reverse("core:home")).text
    assert "Only drafts here" in html
    assert "Draftland" in html


class TestCountries:
    def test_list_counts_published_documents_concerning_each_state(self, client, empty_library):
        state = StateFactory(iso2="QT", name="Testland QT")
        ReportFactory(published=True, country=state)  # a visit to it
        EventFactory(published=True, host_country=state)  # hosted by it
        DecisionFactory(published=True, states=[state])  # names it
        ReportFactory(published=True, country=state, states=[state])  # both ways: counted once
        DecisionFactory(states=[state])  # a draft
        response = client.get(reverse("core:country_list"))
        assert response.status_code == 200
        counted = {s.iso2: s.document_total for s in response.context["participating"]}
        assert counted["QT"] == 4
        assert counted["IT"] == 0

    def test_list_separates_partners_from_participating_states(self, client):
        response = client.get(reverse("core:country_list"))
        participating, partners = response.context["participating"], response.context["partners"]
        assert len(participating) == 57
        assert all(not state.is_participating for state in partners) and partners

    def test_dossier_gathers_visits_recommendations_decisions_and_events(self, client, empty_library):
        state = StateFactory(iso2="QU", name="Testland QU")
        visit = ReportFactory(published=True, country=state, title="Visit to Testland QU")
        recommendation = RecommendationFactory(report=visit, text="Recommendation to Testland QU")
        FollowUpFactory(recommendation=recommendation, status=FollowUpStatus.IMPLEMENTED)
        DecisionFactory(published=True, states=[state], title="Decision naming Testland QU")
        EventFactory(published=True, host_country=state, title="Conference in Testland QU")
        ReportFactory(country=state, title="Draft visit")
        DecisionFactory(states=[state], title="Draft decision")
        DecisionFactory(published=True, title="Decision about elsewhere")
        response = client.get("/countries/qu/")
        assert response.status_code == 200
        html = response.text
        for text in ("Visit to Testland QU", "Recommendation to Testland QU", "Decision naming Testland QU", "Conference in Testland QU"):
            assert text in html
        assert 'status--implemented">implemented' in html
        for text in ("Draft visit", "Draft decision", "Decision about elsewhere"):
            assert text not in html

    def test_dossier_lists_visits_newest_first_and_an_undated_one_last_on_every_database(self, client, empty_library):
        import datetime

        state = StateFactory(iso2="QT", name="Testland QT")
        undated = ReportFactory(published=True, country=state, published_on=None, title="Undated visit")
        older = ReportFactory(published=True, country=state, published_on=datetime.date(2010, 5, 1), title="Older visit")
        newer = ReportFactory(published=True, country=state, published_on=datetime.date(2020, 5, 1), title="Newer visit")
        for report in (undated, older, newer):
            RecommendationFactory(report=report, text=f"Recommended after the {report.title.lower()}")
        html = client.get("/countries/qt/").text
        visits = [html.index(title) for title in ("Newer visit", "Older visit", "Undated visit")]
        assert visits == sorted(visits)
        recommendations = [html.index(f"Recommended after the {title}") for title in ("newer visit", "older visit", "undated visit")]
        assert recommendations == sorted(recommendations)

    @pytest.mark.parametrize("kind, tie", [("decision", "named"), ("event", "hosted")])
    def test_either_index_path_finds_the_same_newest_documents_tied_to_a_state(self, kind, tie):
        import datetime

        from osce_docs.models import Document

        state, elsewhere = StateFactory(iso2="QW"), StateFactory(iso2="QX")
        factory = {"decision": DecisionFactory, "event": EventFactory}[kind]
        tied = {"named": {"states": [state]}, "hosted": {"host_country": state}}[tie]
        untied = {"named": {"states": [elsewhere]}, "hosted": {}}[tie]
        day = datetime.date(2001, 1, 1)
        for n in range(30):
            factory(published=True, published_on=day + datetime.timedelta(days=n % 7), **(tied if n % 3 else untied))
        factory(published_on=day + datetime.timedelta(days=40), **tied)  # a draft
        expected = [
            d.pk
            for d in Document.objects.published().of_kind(kind).concerning(state).order_by("-published_on", "-pk")[:5]
        ]
        documents = Document.objects.published().of_kind(kind)
        from_the_state = documents.tied_to(state, tie, tied=20, total=1000, limit=5).newest_ids(5)
        newest_first = documents.tied_to(state, tie, tied=20, total=1, limit=5).newest_ids(5)
        assert "EXISTS" not in str(from_the_state.query) and "EXISTS" in str(newest_first.query)
        assert [row["pk"] for row in from_the_state] == expected
        assert [row["pk"] for row in newest_first] == expected

    def test_dossier_cards_show_each_kind_with_its_own_details(self, client, empty_library):
        state = StateFactory(iso2="QY", name="Testland QY")
        decision = DecisionFactory(published=True, states=[state], place="Ljubljana")
        EventFactory(published=True, host_country=state, venue="Hofburg, Vienna")
        StatementFactory(published=True, states=[state])
        html = client.get("/countries/qy/").text
        assert decision.symbol in html and "Ljubljana" in html
        assert "16–17 April 2018" in html and "Hofburg, Vienna" in html  # the event's own dates
        assert "Issued " in html

    def test_dossier_address_accepts_upper_case_and_unknown_code_is_404(self, client):
        assert client.get("/countries/IT/").status_code == 200
        assert client.get("/countries/xx/").status_code == 404
        assert client.get("/countries/italy/").status_code == 404

    def test_dossier_queries_are_fixed(self, client, empty_library, django_assert_max_num_queries):
        state = StateFactory(iso2="QV")

        def add_one_of_each():
            visit = ReportFactory(published=True, country=state)
            FollowUpFactory(recommendation=RecommendationFactory(report=visit))
            DecisionFactory(published=True, states=[state])
            EventFactory(published=True, host_country=state)

        add_one_of_each()
        with CaptureQueriesContext(connection) as one_each:
            client.get("/countries/qv/")
        for _ in range(5):
            add_one_of_each()
        with django_assert_max_num_queries(len(one_each)):
            assert client.get("/countries/qv/").status_code == 200


class TestTopics:
    def test_topic_page_lists_published_documents_of_every_kind(self, client, empty_library):
        topic = TopicFactory(name="Domestic servitude test")
        decision = DecisionFactory(published=True, topics=[topic])
        statement = StatementFactory(published=True, topics=[topic])
        DecisionFactory(topics=[topic])
        DecisionFactory(published=True)
        response = client.get(topic.get_absolute_url())
        assert response.status_code == 200
        assert {d.pk for d in response.context["object_list"]} == {decision.pk, statement.pk}

    def test_missing_topic_and_missing_page_are_404(self, client):
        topic = TopicFactory()
        assert client.get("/topics/no-such-topic/").status_code == 404
        assert client.get(topic.get_absolute_url(), {"page": "9999"}).status_code == 404

    def test_topic_list_counts_published_documents(self, client, empty_library):
        topic = TopicFactory()
        DecisionFactory(published=True, topics=[topic])
        DecisionFactory(topics=[topic])
        response = client.get(reverse("core:topic_list"))
        assert {t.pk: t.document_total for t in response.context["topics"]}[topic.pk] == 1

    def test_topic_page_queries_do_not_grow(self, client, empty_library, django_assert_max_num_queries):
        topic = TopicFactory()
        DecisionFactory(published=True, topics=[topic])
        with CaptureQueriesContext(connection) as one_result:
            client.get(topic.get_absolute_url())
        for _ in range(12):
            DecisionFactory(published=True, topics=[topic])
            ReportFactory(published=True, topics=[topic])
        with django_assert_max_num_queries(len(one_result)):
            response = client.get(topic.get_absolute_url())
        assert len(response.context["object_list"]) == 25


class TestFeedsSitemapRobots:
    def test_latest_feed_has_published_documents_only(self, client):
        DecisionFactory(published=True, title="Published for the feed")
        DecisionFactory(title="Draft kept out of the feed")
        response = client.get(reverse("core:latest_feed"))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Published for the feed" in body
        assert "Draft kept out of the feed" not in body

    def test_every_page_links_to_the_latest_feed(self, client):
        assert reverse("core:latest_feed") in client.get("/").text

    def test_sitemap_lists_published_documents_and_never_drafts(self, client):
        published, draft = DecisionFactory(published=True), DecisionFactory()
        sections = sitemap_sections(client)
        body = "".join(client.get(section).content.decode() for section in sections)
        assert published.get_absolute_url() in body
        assert draft.get_absolute_url() not in body
        assert "/countries/it/" in body and "/decisions/" in body

    def test_sitemap_is_an_index_of_sections_with_document_pages_by_id_range(self, client, monkeypatch):
        from osce_docs.sitemaps import DocumentSitemap

        monkeypatch.setattr(DocumentSitemap, "limit", 10)
        decisions = DecisionFactory.create_batch(12, published=True)
        sections = sitemap_sections(client)
        last_page = -(-max(d.pk for d in decisions) // 10)
        assert "http://testserver/sitemap-pages.xml" in sections
        assert f"http://testserver/sitemap-documents.xml?p={last_page}" in sections
        assert f"http://testserver/sitemap-documents.xml?p={last_page + 1}" not in sections
        page = client.get(f"/sitemap-documents.xml?p={last_page}").content.decode()
        in_page = [d for d in decisions if (last_page - 1) * 10 < d.pk <= last_page * 10]
        assert in_page and all(d.get_absolute_url() in page for d in in_page)
        assert client.get(f"/sitemap-documents.xml?p={last_page + 1}").status_code == 404
        assert client.get("/sitemap-documents.xml?p=x").status_code == 404

    def test_sitemap_sections_say_what_djangos_sitemap_template_says(self, client):
        import xml.etree.ElementTree as ET

        from django.template.loader import render_to_string

        from osce_docs.sitemaps import UrlsetTemplate

        DecisionFactory.create_batch(3, published=True)
        urlset = [
            {"location": "http://testserver/a?x=1&y=<2>", "lastmod": None, "changefreq": "weekly", "priority": "0.8"},
            {
                "location": "http://testserver/b/",
                "lastmod": datetime.datetime(2026, 1, 31, 23, 30, tzinfo=datetime.timezone.utc),
                "changefreq": None,
                "priority": "",
                "alternates": [{"lang_code": "fr", "location": "http://testserver/fr/b/"}],
            },
            {"location": "http://testserver/c/", "lastmod": datetime.date(2025, 5, 1), "changefreq": "", "priority": ""},
        ]

        def entries(xml):
            ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
            return [
                [(child.tag, (child.text or "").strip(), sorted(child.attrib.items())) for child in url]
                for url in ET.fromstring(xml.encode()).findall("s:url", ns)
            ]

        ours = UrlsetTemplate().render({"urlset": urlset})
        djangos = render_to_string("sitemap.xml", {"urlset": urlset})
        assert entries(ours) == entries(djangos)
        assert "<lastmod>2026-02-01</lastmod>" in ours  # 23:30 UTC is the next day in Vienna
        response = client.get("/sitemap-documents.xml")
        assert response["Content-Type"] == "application/xml"
        assert len(ET.fromstring(response.content).findall("{http://www.sitemaps.org/schemas/sitemap/0.9}url")) == (
            Document.objects.published().count()
        )

    def test_sitemap_index_says_what_djangos_index_view_says(self, client, monkeypatch, rf):
        import xml.etree.ElementTree as ET

        from django.contrib.sitemaps import Sitemap
        from django.contrib.sitemaps import views as djangos

        from osce_docs.sitemaps import DocumentSitemap, sitemap_index, sitemaps

        class Dated(Sitemap):
            def __init__(self, last_mod):
                self.last_mod = last_mod

            def items(self):
                return ["x"]

            def location(self, item):
                return "/x"

            def get_latest_lastmod(self):
                return self.last_mod

        def entries(response):
            ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
            return [
                [(child.tag, (child.text or "").strip()) for child in sitemap]
                for sitemap in ET.fromstring(response.content).findall("s:sitemap", ns)
            ]

        def both(sections):
            request = rf.get("/sitemap.xml")
            djangos_response = djangos.index(request, sections, sitemap_url_name="sitemap_section")
            djangos_response.render()
            return sitemap_index(request, sections, sitemap_url_name="sitemap_section"), djangos_response

        monkeypatch.setattr(DocumentSitemap, "limit", 10)
        DecisionFactory.create_batch(25, published=True)
        ours, theirs = both(sitemaps)
        assert entries(ours) == entries(theirs)
        assert len(entries(ours)) == 3 + -(-Document.objects.order_by("-pk").first().pk // 10)
        assert ours["X-Robots-Tag"] == theirs["X-Robots-Tag"] and "Last-Modified" not in ours

        dated = {
            "pages": Dated(datetime.date(2025, 5, 1)),
            # 23:30 UTC is the next day on Vienna's clock.
            "topics": Dated(datetime.datetime(2026, 1, 31, 23, 30, tzinfo=datetime.timezone.utc)),
        }
        ours, theirs = both(dated)
        assert entries(ours) == entries(theirs)
        assert "<lastmod>2026-02-01T00:30:00+01:00</lastmod>" in ours.content.decode()
        assert ours["Last-Modified"] == theirs["Last-Modified"]

        response = client.get("/sitemap.xml")
        assert response["Content-Type"] == "application/xml"
        assert "http://testserver/sitemap-documents.xml?p=" in entries(response)[-1][0][1]

    def test_robots_txt_points_at_the_sitemap(self, client):
        response = client.get("/robots.txt")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        assert "Sitemap: http://testserver/sitemap.xml" in response.text
        assert "Disallow: /admin/" in response.text


def sitemap_sections(client):
    """The sections the sitemap index lists."""
    import re

    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    return [location.replace("&amp;", "&") for location in re.findall(r"<loc>([^<]+)</loc>", response.content.decode())]


def test_pages_carry_no_inline_script_or_style(client):
    DecisionFactory(published=True)
    for url in ("/", "/decisions/", "/countries/it/", "/alliance/"):
        html = client.get(url).text
        assert "<script" not in html
        assert "style=" not in html and "<style" not in html
