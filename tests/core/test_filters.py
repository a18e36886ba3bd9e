"""The lists' choices among States, topics and Representatives (osce_docs/filters.py)."""

import pytest
from django.forms import ValidationError

from osce_docs.filters import ListedModelChoiceField, StateCodeField
from osce_docs.models import State, Topic
from tests.factories import StateFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_the_options_and_the_chosen_state_come_from_one_query(django_assert_num_queries):
    italy = StateFactory(name="Italy", iso2="IT", joined_year=1973)
    StateFactory(name="Albania", iso2="AL")
    field = StateCodeField(queryset=State.objects.filter(iso2__in=["IT", "AL"]), to_field_name="iso2")
    with django_assert_num_queries(1):
        options = list(field.choices)
        chosen = field.clean("it")
    assert options == [("", "---------"), ("AL", "Albania"), ("IT", "Italy")]
    assert (chosen.pk, chosen.iso2, chosen.name, field.label_from_instance(chosen)) == (italy.pk, "IT", "Italy", "Italy")


def test_the_chosen_model_reads_its_other_fields_when_asked_never_a_default(django_assert_num_queries):
    StateFactory(name="Algeria", iso2="DZ", group=State.Group.MEDITERRANEAN_PARTNER)
    field = StateCodeField(queryset=State.objects.all(), to_field_name="iso2")
    chosen = field.clean("DZ")
    with django_assert_num_queries(1):
        assert chosen.group == State.Group.MEDITERRANEAN_PARTNER


def test_a_choice_by_slug_filters_as_the_model_would():
    prevention = TopicFactory(name="Prevention", slug="prevention")
    TopicFactory(name="Protection", slug="protection")
    field = ListedModelChoiceField(queryset=Topic.objects.all(), to_field_name="slug")
    chosen = field.clean("prevention")
    assert list(Topic.objects.filter(pk=chosen.pk)) == [prevention]
    assert chosen == prevention
    with pytest.raises(ValidationError, match="Select a valid choice"):
        field.clean("no-such-topic")


def test_a_filter_forms_lists_are_read_together_in_one_query_each_in_its_own_order(django_assert_num_queries):
    from decisions.filters import ReportFilter
    from osce_docs.models import SpecialRepresentative

    StateFactory(name="Zzland", iso2="ZZ")
    TopicFactory(name="Aardvark welfare", slug="aardvark-welfare")
    filterset = ReportFilter({"country": "zz", "topic": "aardvark-welfare"}, queryset=None)
    form = filterset.form
    with django_assert_num_queries(1):
        assert form.is_valid(), form.errors
        options = {name: [key for key, _label in form.fields[name].choices] for name in ("country", "representative", "topic")}
    assert form.cleaned_data["country"].name == "Zzland"
    assert form.cleaned_data["topic"].name == "Aardvark welfare"
    assert options["country"] == ["", *State.objects.order_by("name").values_list("iso2", flat=True)]
    assert options["topic"] == ["", *Topic.objects.order_by("name").values_list("slug", flat=True)]
    representatives = SpecialRepresentative.objects.order_by("term_start").values_list("slug", flat=True)
    assert options["representative"] == ["", *representatives]
