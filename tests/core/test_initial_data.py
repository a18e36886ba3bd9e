import pytest

from alliance.models import AllianceEvent, AllianceStatement
from decisions.models import CountryVisitReport, Decision
from osce_docs.models import DocumentRelation, SpecialRepresentative, State, Status, Topic

pytestmark = pytest.mark.django_db


def test_all_57_participating_states_and_11_partners_are_loaded():
    assert State.objects.participating().count() == 57
    assert State.objects.partners().count() == 11
    assert State.objects.filter(group=State.Group.MEDITERRANEAN_PARTNER).count() == 6
    assert State.objects.filter(group=State.Group.ASIAN_PARTNER).count() == 5


def test_mongolia_is_a_participating_state_since_2012():
    mongolia = State.objects.get(iso2="MN")
    assert mongolia.is_participating
    assert mongolia.joined_year == 2012


def test_every_special_representative_since_2004_is_loaded_in_order():
    names = list(SpecialRepresentative.objects.values_list("name", flat=True))
    assert names == [
        "Helga Konrad",
        "Eva Biaudet",
        "Maria Grazia Giammarinaro",
        "Madina Jarbussynova",
        "Valiant Richey",
        "Kari Johnstone",
    ]
    assert SpecialRepresentative.objects.filter(term_end__isnull=True).get().name == "Kari Johnstone"


def test_topics_include_the_four_ps_and_the_forms_of_exploitation():
    slugs = set(Topic.objects.values_list("slug", flat=True))
    assert {"prevention", "prosecution", "protection", "partnership"} <= slugs
    assert {"child-trafficking", "labour-exploitation", "domestic-servitude", "sexual-exploitation"} <= slugs


def test_seed_decisions_are_published_with_verified_dates():
    decisions = {d.symbol: d for d in Decision.objects.all()}
    assert set(decisions) == {"PC.DEC/557", "PC.DEC/557/Rev.1", "PC.DEC/685", "MC.DEC/8/07"}
    assert all(d.status == Status.PUBLISHED for d in decisions.values())
    # The Action Plan is of July 2003, not 2005 as one seed text says.
    assert decisions["PC.DEC/557"].adopted_on.isoformat() == "2003-07-24"
    assert decisions["MC.DEC/8/07"].place == "Madrid"


def test_seed_relations_link_the_action_plan_to_its_revision_and_addendum():
    relations = {(r.source.decision.symbol, r.kind, r.target.decision.symbol) for r in DocumentRelation.objects.all()}
    assert relations == {("PC.DEC/557/Rev.1", "revises", "PC.DEC/557"), ("PC.DEC/685", "adds_to", "PC.DEC/557")}


def test_italy_visit_report_has_both_visit_periods():
    report = CountryVisitReport.objects.get(country__iso2="IT")
    assert report.representative.name == "Maria Grazia Giammarinaro"
    periods = [(p.start_on.isoformat(), p.end_on.isoformat()) for p in report.visit_periods.all()]
    assert periods == [("2013-06-17", "2013-06-18"), ("2013-07-15", "2013-07-19")]


def test_alliance_seed_records_are_loaded():
    assert AllianceEvent.objects.filter(title__startswith="High-Level Conference", start_on__year=2006).exists()
    kinds = set(AllianceStatement.objects.values_list("statement_kind", "issued_on__year"))
    assert kinds == {("recommendations", 2005), ("joint_statement", 2010)}


def test_seed_documents_have_no_invented_files():
    assert not Decision.objects.filter(attachments__isnull=False).exists()


def test_the_initial_documents_search_entries_hold_their_kinds():
    # Written by the migrations before 0017 added the column, which filled it.
    from django.db.models import F

    from osce_docs.models import SearchEntry

    entries = SearchEntry.objects.all()
    assert set(entries.values_list("kind", flat=True)) == {"decision", "report", "event", "statement"}
    assert not entries.exclude(kind=F("document__kind")).exists()
