"""factory-boy factories for every model. Documents are drafts unless built
with the ``published`` trait, as in the admin."""

import datetime
import string

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory

from alliance.models import AllianceEvent, AllianceStatement, EventKind, PartnerOrganisation, StatementKind
from decisions.models import (
    Body,
    CountryVisitReport,
    Decision,
    FollowUp,
    FollowUpStatus,
    Recommendation,
    RecommendationArea,
    VisitPeriod,
)
from decisions.symbols import format_symbol, symbol_slug
from osce_docs.filetypes import PDF
from osce_docs.models import (
    Attachment,
    AttachmentKind,
    DocumentRelation,
    RelationKind,
    SpecialRepresentative,
    State,
    Status,
    Topic,
)

from . import files

# ISO 3166 user-assigned codes: never a real State, so no clash with the initial data.
_TEST_CODES = ["AA", "ZZ"] + [f"Q{c}" for c in "MNOPQRSTUVWXYZ"] + [f"X{c}" for c in string.ascii_uppercase]


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("a-long-test-password-1")

    class Params:
        staff = factory.Trait(is_staff=True)
        superuser = factory.Trait(is_staff=True, is_superuser=True)


class StateFactory(DjangoModelFactory):
    class Meta:
        model = State
        django_get_or_create = ("iso2",)

    iso2 = factory.Sequence(lambda n: _TEST_CODES[n % len(_TEST_CODES)])
    name = factory.LazyAttribute(lambda state: f"Testland {state.iso2}")
    group = State.Group.PARTICIPATING


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test topic {n}")
    slug = factory.Sequence(lambda n: f"test-topic-{n}")


class SpecialRepresentativeFactory(DjangoModelFactory):
    class Meta:
        model = SpecialRepresentative

    name = factory.Sequence(lambda n: f"Representative Number {n}")
    slug = factory.Sequence(lambda n: f"representative-number-{n}")
    term_start = datetime.date(2030, 1, 1)


class DocumentFactoryMixin(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Document number {n}")
    slug = factory.Sequence(lambda n: f"document-{n}")
    summary = "A document of the OSCE anti-trafficking library."
    status = Status.DRAFT
    published_on = datetime.date(2020, 5, 4)

    class Params:
        published = factory.Trait(status=Status.PUBLISHED)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)

    @factory.post_generation
    def states(self, create, extracted, **kwargs):
        if create and extracted:
            self.states.set(extracted)


class DecisionFactory(DocumentFactoryMixin):
    class Meta:
        model = Decision
        skip_postgeneration_save = True

    body = Body.PERMANENT_COUNCIL
    number = factory.Sequence(lambda n: 5000 + n)
    year = factory.LazyAttribute(lambda d: d.adopted_on.year if d.body == Body.MINISTERIAL_COUNCIL else None)
    adopted_on = datetime.date(2020, 5, 4)
    published_on = factory.SelfAttribute("adopted_on")
    title = factory.Sequence(lambda n: f"Decision on combating trafficking number {n}")
    slug = factory.LazyAttribute(
        lambda d: symbol_slug(
            format_symbol(
                body=d.body,
                number=d.number,
                year=d.year,
                revision=d.revision,
                addendum=d.addendum,
                corrigendum=d.corrigendum,
            )
        )
    )
    revision = None
    addendum = None
    corrigendum = None
    place = "Vienna"


class ReportFactory(DocumentFactoryMixin):
    class Meta:
        model = CountryVisitReport
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Report following a country visit number {n}")
    slug = factory.Sequence(lambda n: f"country-visit-{n}")
    country = factory.SubFactory(StateFactory)
    representative = factory.SubFactory(SpecialRepresentativeFactory)
    promising_practices = "A national referral mechanism is in place."
    challenges = "Identification of victims of labour exploitation."


class VisitPeriodFactory(DjangoModelFactory):
    class Meta:
        model = VisitPeriod

    report = factory.SubFactory(ReportFactory)
    start_on = datetime.date(2019, 6, 17)
    end_on = factory.LazyAttribute(lambda p: p.start_on + datetime.timedelta(days=2))


class RecommendationFactory(DjangoModelFactory):
    class Meta:
        model = Recommendation

    report = factory.SubFactory(ReportFactory)
    number = factory.Sequence(lambda n: n + 1)
    area = RecommendationArea.PROTECTION
    text = factory.Sequence(lambda n: f"Strengthen the identification of victims, point {n}.")


class FollowUpFactory(DjangoModelFactory):
    class Meta:
        model = FollowUp

    recommendation = factory.SubFactory(RecommendationFactory)
    assessed_on = datetime.date(2021, 3, 1)
    status = FollowUpStatus.PARTIAL
    note = "Partly done."


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation

    name = factory.Sequence(lambda n: f"Partner organisation {n}")
    slug = factory.Sequence(lambda n: f"partner-organisation-{n}")
    acronym = factory.Sequence(lambda n: f"PO{n}")
    kind = "non_governmental"


class EventFactory(DocumentFactoryMixin):
    class Meta:
        model = AllianceEvent
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Alliance conference number {n}")
    slug = factory.Sequence(lambda n: f"alliance-event-{n}")
    event_kind = EventKind.CONFERENCE
    start_on = datetime.date(2018, 4, 16)
    end_on = datetime.date(2018, 4, 17)
    venue = "Hofburg, Vienna"


class StatementFactory(DocumentFactoryMixin):
    class Meta:
        model = AllianceStatement
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Joint statement number {n}")
    slug = factory.Sequence(lambda n: f"alliance-statement-{n}")
    statement_kind = StatementKind.JOINT_STATEMENT
    issued_on = datetime.date(2010, 10, 1)


class RelationFactory(DjangoModelFactory):
    class Meta:
        model = DocumentRelation

    source = factory.SubFactory(DecisionFactory)
    target = factory.SubFactory(DecisionFactory)
    kind = RelationKind.REVISES


class AttachmentFactory(DjangoModelFactory):
    """An attached PDF, stored as the service would store it."""

    class Meta:
        model = Attachment

    document = factory.SubFactory(DecisionFactory)
    kind = AttachmentKind.FULL_TEXT
    language = "en"
    original_name = factory.LazyAttribute(lambda a: f"document-{a.language}.pdf")
    content_type = PDF

    @classmethod
    def _create(cls, model_class, *args, content=None, **kwargs):
        import hashlib

        content = content if content is not None else files.pdf_bytes([f"Text of the file in {kwargs['language']}"])
        kwargs.setdefault("size", len(content))
        kwargs.setdefault("sha256", hashlib.sha256(content).hexdigest())
        attachment = model_class(**kwargs)
        attachment.file.save("upload", ContentFile(content), save=False)
        attachment.save()
        return attachment
