"""A deterministic synthetic corpus shaped like the real library, for demos
and for measuring the site at scale (``manage.py seed_demo``).

Every generated document has ``synthetic=True``; nothing else is generated
outside documents' own rows (visit periods, recommendations, follow-ups,
relations, attached-file rows hang off them and go with them), so
``clear_demo_corpus`` removes exactly what ``generate_demo_corpus`` made.

Speed: the rows are built in chunks and inserted by ``insert_rows`` (COPY on
PostgreSQL, one prepared INSERT run for every row elsewhere), which unlike
``bulk_create`` also takes the per-kind tables of the multi-table models, and
leaves the SQL and the values' adaptation to the driver. Document ids are
assigned here, so a chunk's children, relations and files need no
round-trip to learn them. Chunks are built in one thread and written in
another (ChunkWriter), so that the database's own work overlaps Python's.

Files: a generated document gets one to four attached-file rows, but their
bytes are a handful of small real files shared by all rows (one per
language and format, written once under ``MEDIA_ROOT/demo/``), so downloads
work without a million files on disk.
"""

import datetime
import functools
import hashlib
import operator
import queue
import random
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import connection, connections, transaction
from django.db.models import Max
from django.utils import timezone

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

from . import pagecache
from .models import (
    Attachment,
    AttachmentKind,
    Document,
    DocumentKind,
    DocumentRelation,
    RelationKind,
    SpecialRepresentative,
    State,
    Status,
    TextStatus,
    Topic,
)

# The texts the project was created from (a copy of the shared seeds), the
# generator's English vocabulary: in the repository, so that a seed gives the
# same corpus on every machine.
SEEDS_DIR = Path(__file__).resolve().parent / "demo_seeds"
FIRST_YEAR, LAST_YEAR = 1976, 2025
LAST_DAY = datetime.date(LAST_YEAR, 12, 31)
DRAFT_SHARE = 0.05
CHUNK = 2000
FIRST_STATISTICS_AT = 4000  # documents written; then at each doubling

# Share of each kind in the corpus (the real one is mostly decisions).
KIND_WEIGHTS = {
    DocumentKind.DECISION: 0.62,
    DocumentKind.REPORT: 0.08,
    DocumentKind.EVENT: 0.20,
    DocumentKind.STATEMENT: 0.10,
}
# Synthetic symbols stay clear of real ones: Permanent Council numbers from
# 2001 (the real ones are below 1,600), Ministerial Council numbers from 101
# each year (real years have a few dozen).
PC_FIRST, MC_FIRST, NUMBER_MAX = 2001, 101, 99_999
# Four in five new decisions are the Permanent Council's, as in the real
# corpus, unless its numbers (which never restart) would run out: then its
# share shrinks so that its decisions still span every year.
PC_SHARE = 0.8
NEW_DECISION_SHARE = 0.82  # the rest are revisions, addenda and corrigenda

# Real anti-trafficking vocabulary in the OSCE languages, beside the seed texts' words.
VOCABULARY = {
    "en": (
        "trafficking in human beings victims identification referral mechanism labour exploitation "
        "forced labour domestic servitude sexual exploitation child trafficking prevention protection "
        "prosecution partnership supply chains recruitment fees debt bondage migrant workers asylum "
        "unaccompanied children shelters compensation non-punishment principle law enforcement "
        "judicial co-operation national co-ordinator action plan participating States field operations "
        "Special Representative country visit recommendations promising practices challenges "
        "organized crime money laundering financial investigation online recruitment technology "
        "demand reduction public procurement due diligence survivors assistance reintegration"
    ),
    "fr": (
        "traite des êtres humains victimes identification mécanisme national d'orientation exploitation "
        "par le travail travail forcé servitude domestique exploitation sexuelle traite des enfants "
        "prévention protection poursuites partenariat chaînes d'approvisionnement recrutement servitude "
        "pour dettes travailleurs migrants mineurs non accompagnés hébergement indemnisation "
        "coopération judiciaire plan d'action États participants Représentante spéciale recommandations"
    ),
    "de": (
        "Menschenhandel Opfer Identifizierung Verweismechanismus Arbeitsausbeutung Zwangsarbeit "
        "Hausangestellte sexuelle Ausbeutung Kinderhandel Prävention Schutz Strafverfolgung "
        "Partnerschaft Lieferketten Anwerbung Schuldknechtschaft Wanderarbeitnehmer unbegleitete "
        "Minderjährige Schutzunterkünfte Entschädigung justizielle Zusammenarbeit Aktionsplan "
        "Teilnehmerstaaten Sonderbeauftragte Länderbesuch Empfehlungen bewährte Verfahren"
    ),
    "ru": (
        "торговля людьми жертвы выявление национальный механизм перенаправления трудовая эксплуатация "
        "принудительный труд домашнее подневольное состояние сексуальная эксплуатация торговля детьми "
        "предупреждение защита уголовное преследование партнёрство цепочки поставок вербовка долговая "
        "кабала трудящиеся мигранты несопровождаемые дети приюты компенсация судебное сотрудничество "
        "план действий государства-участники Специальный представитель рекомендации"
    ),
    "es": (
        "trata de seres humanos víctimas identificación mecanismo nacional de derivación explotación "
        "laboral trabajo forzoso servidumbre doméstica explotación sexual trata de niños prevención "
        "protección enjuiciamiento asociación cadenas de suministro reclutamiento servidumbre por deudas "
        "trabajadores migrantes menores no acompañados albergues indemnización plan de acción"
    ),
    "it": (
        "tratta di esseri umani vittime identificazione meccanismo nazionale di referral sfruttamento "
        "lavorativo lavoro forzato servitù domestica sfruttamento sessuale tratta di minori prevenzione "
        "protezione perseguimento partenariato catene di approvvigionamento reclutamento servitù per "
        "debiti lavoratori migranti minori non accompagnati case rifugio risarcimento piano d'azione"
    ),
}
# The files' languages: English originals, often with translations.
TRANSLATIONS = ("fr", "ru", "de", "es", "it")

TITLE_SUBJECTS = (
    "Combating Trafficking in Human Beings",
    "Trafficking in Human Beings for Labour Exploitation",
    "Enhancing Efforts to Combat Trafficking in Children",
    "Prevention of Trafficking in Human Beings in Supply Chains",
    "Protection and Assistance of Victims of Trafficking",
    "National Referral Mechanisms",
    "Combating Trafficking for Domestic Servitude",
    "Strengthening the Prosecution of Traffickers",
    "Technology and Trafficking in Human Beings",
    "Trafficking in Human Beings in Mixed Migration Flows",
    "The Non-Punishment Principle for Victims of Trafficking",
    "Demand Reduction in Sexual Exploitation",
    "Co-operation with Civil Society in Combating Trafficking",
    "Financial Investigations into Trafficking in Human Beings",
)
CITIES = ("Vienna", "Helsinki", "Madrid", "Athens", "Ljubljana", "Kyiv", "Vilnius", "Basel", "Hamburg", "Tirana")
EVENT_LABELS = {
    EventKind.CONFERENCE: "Alliance against Trafficking in Persons Conference",
    EventKind.EXPERT_MEETING: "Alliance Expert Meeting",
    EventKind.WORKSHOP: "Alliance Workshop",
}


def _seed_words():
    words = []
    for path in sorted(SEEDS_DIR.glob("*.txt")) if SEEDS_DIR.is_dir() else []:
        words += re.findall(r"[^\W\d_][\w'’-]*", path.read_text(encoding="utf-8"))
    return words


@dataclass
class Vocabulary:
    """Words to draw text from: English from the seed texts and the anti-trafficking
    terms; other languages from their terms."""

    by_language: dict = field(default_factory=dict)
    sentences: list = field(default_factory=list)

    @classmethod
    def build(cls):
        vocabulary = cls()
        seed = _seed_words()
        for language, terms in VOCABULARY.items():
            words = terms.split()
            # The seed texts' words weigh most in English, as in real reports.
            vocabulary.by_language[language] = words + seed if language == "en" else words + words
        text = " ".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS_DIR.glob("*.txt"))) if (
            SEEDS_DIR.is_dir()
        ) else ""
        vocabulary.sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if 40 <= len(s.strip()) <= 400]
        if not vocabulary.sentences:
            vocabulary.sentences = ["The OSCE combats trafficking in human beings through prevention and protection."]
        return vocabulary

    def words(self, rng, language, count):
        return rng.choices(self.by_language.get(language, self.by_language["en"]), k=count)

    def paragraph(self, rng, language="en", words=60):
        chosen = self.words(rng, language, words)
        chosen[0] = chosen[0].capitalize()
        return " ".join(chosen) + "."

    def summary(self, rng):
        return " ".join(rng.sample(self.sentences, k=min(2, len(self.sentences))))

    def pages(self, rng, language, kilobytes):
        """Extracted text of about KILOBYTES kB, in pages of about 2 kB."""
        total_words = max(20, int(kilobytes * 1024 / 7))
        pages = []
        while total_words > 0:
            count = min(total_words, 300)
            pages.append(
                "\n".join(self.paragraph(rng, language, 50) for _ in range(max(1, count // 50)))
            )
            total_words -= count
        return pages


# --- shared files -----------------------------------------------------------


def _pdf_bytes(lines):
    """A small valid one-page PDF with Helvetica text (no dependency needed)."""

    def escape(text):
        text = text.encode("latin-1", "replace").decode("latin-1")
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = "BT /F1 11 Tf 50 780 Td 14 TL " + " ".join(f"({escape(line)}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(content.encode('latin-1'))} >>\nstream\n{content}\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


@dataclass(frozen=True)
class SharedFile:
    name: str
    size: int
    sha256: str
    content_type: str
    extension: str


def ensure_shared_files(vocabulary):
    """One small real file per language (a PDF; Russian as UTF-8 text, which the
    standard PDF fonts cannot show), written once and shared by every row."""
    rng = random.Random(0)
    shared = {}
    for language in ("en", *TRANSLATIONS):
        lines = [
            "SYNTHETIC DEMO FILE - not an OSCE document",
            *(vocabulary.paragraph(rng, language, 9) for _ in range(30)),
        ]
        if language == "ru":
            content, content_type, extension = "\n".join(lines).encode("utf-8"), "text/plain", ".txt"
        else:
            content, content_type, extension = _pdf_bytes(lines), "application/pdf", ".pdf"
        name = f"demo/synthetic-{language}{extension}"
        if default_storage.exists(name):
            default_storage.delete(name)
        from django.core.files.base import ContentFile

        stored = default_storage.save(name, ContentFile(content))
        shared[language] = SharedFile(
            name=stored,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content_type=content_type,
            extension=extension,
        )
    return shared


# --- generation ---------------------------------------------------------------


# Fields whose Python value the database driver stores as Django would: the
# rows take them as they are; the others go through the field (files,
# auto_now dates, and on SQLite dates, which Django stores as text).
PLAIN_FIELD_TYPES = {
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "ForeignKey",
    "IntegerField", "OneToOneField", "PositiveIntegerField", "PositiveSmallIntegerField", "SlugField",
    "SmallIntegerField", "TextField", "URLField",
}  # fmt: skip
PLAIN_ON_POSTGRESQL = {"DateField", "DateTimeField"}


def _reader(field):
    plain = PLAIN_FIELD_TYPES | (PLAIN_ON_POSTGRESQL if connection.vendor == "postgresql" else set())
    if field.get_internal_type() in plain and not (
        getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ):
        return operator.attrgetter(field.attname)
    return functools.partial(_prepared_value, field)


def _prepared_value(field, obj):
    return field.get_db_prep_save(field.pre_save(obj, True), connection)


def insert_rows(model, objs):
    """Insert OBJS into MODEL's own table (for a multi-table child, not its
    parent's), with the ids they carry or, without, the database's.

    Django's bulk INSERT compiles SQL and prepares every value in Python,
    half of the generator's time; here each value is read once and the
    driver does the rest in C: COPY on PostgreSQL, `executemany` of one
    prepared INSERT elsewhere. Triggers (PostgreSQL's statement-level ones
    with their transition tables included) fire the same as for
    `bulk_create`, which besides refuses multi-table children."""
    if not objs:
        return
    fields = [
        field
        for field in model._meta.local_concrete_fields
        if not (field.primary_key and getattr(objs[0], field.attname) is None)
    ]
    readers = [_reader(field) for field in fields]
    quote = connection.ops.quote_name
    table, columns = quote(model._meta.db_table), ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for obj in objs:
                    copy.write_row([read(obj) for read in readers])
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",
                [[read(obj) for read in readers] for obj in objs],
            )


@dataclass
class Counters:
    pc_number: int = PC_FIRST
    mc_numbers: dict = field(default_factory=dict)
    recent_bases: list = field(default_factory=list)  # [(id, body, number, year, date, variants)]
    recent_decisions: list = field(default_factory=list)
    recent_events: list = field(default_factory=list)
    created: dict = field(default_factory=dict)


@dataclass
class Reference:
    participating: list
    states: list
    topics: list
    representatives: list
    partners: list


def _reference():
    participating = list(State.objects.participating().values_list("pk", flat=True))
    return Reference(
        participating=participating,
        states=list(State.objects.values_list("pk", flat=True)),
        topics=list(Topic.objects.values_list("pk", flat=True)),
        representatives=list(SpecialRepresentative.objects.values_list("pk", "term_start", "term_end")),
        partners=list(PartnerOrganisation.objects.values_list("pk", flat=True)),
    )


def _representative_for(reference, day):
    chosen = reference.representatives[0][0]
    for pk, start, end in reference.representatives:
        if start <= day and (end is None or day <= end):
            return pk
        if start <= day:
            chosen = pk
    return chosen


def _day_for(rng, position, total):
    """Documents get dates spread over fifty years, in order of generation
    (so revisions follow what they revise)."""
    span = (datetime.date(LAST_YEAR, 12, 31) - datetime.date(FIRST_YEAR, 1, 1)).days
    base = int(span * position / max(total, 1))
    return datetime.date(FIRST_YEAR, 1, 1) + datetime.timedelta(days=min(span, max(0, base + rng.randint(-20, 20))))


@dataclass
class Chunk:
    """One chunk's rows, built in memory, in the order they are inserted."""

    documents: list = field(default_factory=list)
    children: dict = field(default_factory=dict)
    topic_rows: list = field(default_factory=list)
    state_rows: list = field(default_factory=list)
    relations: list = field(default_factory=list)
    endorsements: list = field(default_factory=list)
    periods: list = field(default_factory=list)
    recommendations: list = field(default_factory=list)
    follow_ups: list = field(default_factory=list)
    attachments: list = field(default_factory=list)
    texts: list = field(default_factory=list)


class ChunkWriter(threading.Thread):
    """Writes chunks on its own database connection while the next one is
    built: the database's work (PostgreSQL parsing text into vectors, SQLite
    filling its FTS index) then runs on the second core beside Python's."""

    def __init__(self, write, prepare=None, then=None, name="seed-demo-writer"):
        super().__init__(name=name, daemon=True)
        self.write = write
        self.prepare = prepare
        # Called with each chunk once its transaction has committed.
        self.then = then
        self.chunks = queue.Queue(maxsize=2)
        self.error = None

    def run(self):
        try:
            if self.prepare:
                self.prepare()
            while (chunk := self.chunks.get()) is not None:
                with transaction.atomic():
                    self.write(chunk)
                if self.then:
                    self.then(chunk)
        except BaseException as error:  # handed to the building thread, which raises it
            self.error = error
            while self.chunks.get() is not None:  # let put() go on until the end
                pass
        finally:
            connections.close_all()

    def put(self, chunk):
        if self.error is not None:
            raise self.error
        self.chunks.put(chunk)

    def finish(self):
        self.chunks.put(None)
        self.join()
        if self.error is not None:
            raise self.error


class CorpusGenerator:
    def __init__(self, *, documents, seed=1, text_kb=4.0, stdout=None, chunk_size=CHUNK, threaded=None):
        self.chunk_size = chunk_size
        # A second thread needs its own connection, which cannot see a
        # caller's open transaction (a test's): only outside one, and only
        # when there is more than one chunk to overlap.
        self.threaded = (documents > chunk_size and connection.get_autocommit()) if threaded is None else threaded
        self.total = documents
        self.rng = random.Random(seed)
        self.text_kb = text_kb
        self.stdout = stdout
        self.vocabulary = Vocabulary.build()
        self.counters = Counters()
        expected_new_decisions = documents * KIND_WEIGHTS[DocumentKind.DECISION] * NEW_DECISION_SHARE
        self.pc_share = min(PC_SHARE, (NUMBER_MAX - PC_FIRST) / max(expected_new_decisions, 1))
        self.reference = _reference()
        self.now = timezone.now()
        self.text_sink = None
        self.texts_writer = None
        self.next_statistics_at = FIRST_STATISTICS_AT

    def log(self, message):
        if self.stdout:
            self.stdout.write(message)

    def run(self):
        from . import demo_text

        if not self.reference.participating or not self.reference.topics:
            raise ValueError("The reference data (States, topics) is missing: run migrate first.")
        self.shared_files = ensure_shared_files(self.vocabulary)
        self.text_sink = demo_text.TextSink.for_database()
        next_id = (Document.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        self.next_attachment_id = (Attachment.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        self.next_recommendation_id = (Recommendation.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        started = timezone.now()
        deferred_indexes = _defer_bulk_indexes() if self.threaded else []
        side_pairs = _side_pairs_index() if self.threaded else None
        self.text_sink.side_pairs = side_pairs
        first_id = next_id
        writer = None
        self.texts_writer = _texts_writer(self.text_sink) if self.threaded else None
        done = 0
        loaded = False
        try:
            if self.threaded:
                if self.texts_writer:
                    self.texts_writer.start()
                writer = ChunkWriter(
                    self._write,
                    prepare=_skip_entry_pairs if side_pairs else None,
                    then=self.texts_writer.put if self.texts_writer else None,
                )
                writer.start()
            while done < self.total:
                size = min(self.chunk_size, self.total - done)
                chunk = self._build(first_id=next_id, position=done, size=size)
                if writer:
                    writer.put(chunk)
                else:
                    with transaction.atomic():
                        self._write(chunk)
                next_id += size
                done += size
                if done % (self.chunk_size * 10) == 0 or done == self.total:
                    elapsed = (timezone.now() - started).total_seconds()
                    self.log(f"  {done:,} documents built ({elapsed:.0f} s)")
        finally:
            try:
                try:
                    if writer:
                        writer.finish()
                finally:
                    if self.texts_writer:
                        try:
                            self.texts_writer.finish()
                        finally:
                            # Its writes left the content version to the
                            # chunks' (see _texts_writer), failed or not.
                            pagecache.bump_content_version()
                loaded = writer is not None and done == self.total
                if loaded:
                    self.log(f"  written ({(timezone.now() - started).total_seconds():.0f} s)")
            finally:
                try:
                    _finish_side_pairs(side_pairs, first_id, loaded=loaded, stdout=self.stdout)
                finally:
                    _rebuild_indexes(deferred_indexes, stdout=self.stdout)
        if self.text_sink:
            self.text_sink.finish(stdout=self.stdout)
        _reset_sequences()
        analyze()
        return dict(self.counters.created)

    def _count(self, name, number):
        self.counters.created[name] = self.counters.created.get(name, 0) + number

    def _build(self, *, first_id, position, size):
        rng = self.rng
        kinds = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()), k=size)
        chunk = Chunk(children={kind: [] for kind in KIND_WEIGHTS})
        for offset, kind in enumerate(kinds):
            pk = first_id + offset
            day = _day_for(rng, position + offset, self.total)
            status = Status.DRAFT if rng.random() < DRAFT_SHARE else Status.PUBLISHED
            build = {
                DocumentKind.DECISION: self._decision,
                DocumentKind.REPORT: self._report,
                DocumentKind.EVENT: self._event,
                DocumentKind.STATEMENT: self._statement,
            }[kind]
            document, child, extra = build(pk, day, status)
            document.kind = kind
            document.synthetic = True
            document.status = status
            document.summary = document.summary or self.vocabulary.summary(rng)
            document.created_at = document.updated_at = self.now
            chunk.documents.append(document)
            chunk.children[kind].append(child)
            for topic in rng.sample(self.reference.topics, k=rng.randint(1, 3)):
                chunk.topic_rows.append(Document.topics.through(document_id=pk, topic_id=topic))
            for state in extra.get("states", ()):
                chunk.state_rows.append(Document.states.through(document_id=pk, state_id=state))
            chunk.relations += extra.get("relations", ())
            chunk.endorsements += extra.get("endorsements", ())
            chunk.periods += extra.get("periods", ())
            chunk.recommendations += extra.get("recommendations", ())
            chunk.follow_ups += extra.get("follow_ups", ())
            new_attachments = self._attachments(pk, kind)
            chunk.attachments += new_attachments
            if self.text_sink:
                for attachment in new_attachments:
                    kb = self.text_kb * rng.uniform(0.5, 1.5)
                    pages = self.vocabulary.pages(rng, attachment.language, kb) if kb else []
                    attachment.page_count = len(pages) or None
                    chunk.texts.append((attachment, pages))
        return chunk

    def _write(self, chunk):
        documents, children = chunk.documents, chunk.children
        topic_rows, state_rows, relations = chunk.topic_rows, chunk.state_rows, chunk.relations
        periods, recommendations, follow_ups = chunk.periods, chunk.recommendations, chunk.follow_ups
        attachments, texts = chunk.attachments, chunk.texts
        insert_rows(Document, documents)
        for kind, model in (
            (DocumentKind.DECISION, Decision),
            (DocumentKind.REPORT, CountryVisitReport),
            (DocumentKind.EVENT, AllianceEvent),
            (DocumentKind.STATEMENT, AllianceStatement),
        ):
            insert_rows(model, children[kind])
            self._count(model._meta.verbose_name_plural, len(children[kind]))
        insert_rows(Document.topics.through, topic_rows)
        insert_rows(Document.states.through, state_rows)
        insert_rows(DocumentRelation, relations)
        insert_rows(AllianceStatement.endorsed_by.through, chunk.endorsements)
        insert_rows(VisitPeriod, periods)
        insert_rows(Recommendation, recommendations)
        insert_rows(FollowUp, follow_ups)
        insert_rows(Attachment, attachments)
        if self.text_sink:
            if self.texts_writer:
                self.text_sink.add_pages(texts)
            else:
                self.text_sink.add(texts)
        self._count("documents", len(documents))
        self._count("drafts", sum(1 for d in documents if d.status == Status.DRAFT))
        self._count("topic links", len(topic_rows))
        self._count("State links", len(state_rows))
        self._count("relations", len(relations))
        self._count("visit periods", len(periods))
        self._count("recommendations", len(recommendations))
        self._count("follow-ups", len(follow_ups))
        self._count("attached files", len(attachments))
        if self.counters.created["documents"] >= self.next_statistics_at:
            self.next_statistics_at *= 2
            refresh_statistics()

    # --- one document of each kind ---------------------------------------

    def _decision(self, pk, day, status):
        rng, counters = self.rng, self.counters
        relations = []
        revision = addendum = corrigendum = None
        if counters.recent_bases and rng.random() < 1 - NEW_DECISION_SHARE:
            base = rng.choice(counters.recent_bases)
            base_id, body, number, year, base_day, variants = base
            which = rng.choices(("revision", "addendum", "corrigendum"), weights=(5, 3, 2))[0]
            variants[which] += 1
            if which == "revision":
                revision, kind = variants[which], RelationKind.REVISES
            elif which == "addendum":
                addendum, kind = variants[which], RelationKind.ADDS_TO
            else:
                corrigendum, kind = variants[which], RelationKind.CORRECTS
            day = max(day, base_day)
            relations.append(DocumentRelation(source_id=pk, kind=kind, target_id=base_id))
        else:
            year = None
            body = Body.PERMANENT_COUNCIL if rng.random() < self.pc_share and counters.pc_number <= NUMBER_MAX else Body.MINISTERIAL_COUNCIL
            if body == Body.PERMANENT_COUNCIL:
                number = counters.pc_number
                counters.pc_number += 1
            else:
                year = day.year
                number = counters.mc_numbers.get(year, MC_FIRST)
                if number > NUMBER_MAX:
                    raise ValueError("The symbol space is exhausted: generate fewer documents.")
                counters.mc_numbers[year] = number + 1
            counters.recent_bases.append(
                (pk, body, number, year, day, {"revision": 0, "addendum": 0, "corrigendum": 0})
            )
            if len(counters.recent_bases) > 200:
                counters.recent_bases.pop(0)
        if counters.recent_decisions and rng.random() < 0.1:
            cited = rng.choice(counters.recent_decisions)
            if cited != pk and not any(r.target_id == cited for r in relations):
                relations.append(DocumentRelation(source_id=pk, kind=RelationKind.CITES, target_id=cited))
        counters.recent_decisions.append(pk)
        if len(counters.recent_decisions) > 500:
            counters.recent_decisions.pop(0)
        symbol = format_symbol(
            body=body, number=number, year=year, revision=revision, addendum=addendum, corrigendum=corrigendum
        )
        subject = rng.choice(TITLE_SUBJECTS)
        title = f"Decision No. {number} on {subject}"
        if revision:
            title += f" (revision {revision})"
        elif addendum:
            title = f"Addendum {addendum} to Decision No. {number} on {subject}"
        elif corrigendum:
            title += f" (corrigendum {corrigendum})"
        place = "Vienna" if body == Body.PERMANENT_COUNCIL else rng.choice(CITIES)
        meeting = (
            f"{rng.randint(1, 1600)}th Plenary Meeting" if body == Body.PERMANENT_COUNCIL
            else f"Meeting of the Ministerial Council, {place}"
        )
        common = dict(
            pk=pk,
            title=title,
            slug=symbol_slug(symbol),
            published_on=min(day + datetime.timedelta(days=rng.randint(0, 20)), LAST_DAY)
            if status == Status.PUBLISHED
            else None,
        )
        document = Document(**common)
        child = Decision(
            document_ptr_id=pk,
            body=body,
            number=number,
            year=year,
            revision=revision,
            addendum=addendum,
            corrigendum=corrigendum,
            symbol=symbol,
            adopted_on=day,
            meeting=meeting,
            place=place,
            original_language="en",
        )
        states = rng.sample(self.reference.participating, k=rng.choice((0, 0, 0, 1, 2)))
        return document, child, {"relations": relations, "states": states}

    def _report(self, pk, day, status):
        rng, vocabulary = self.rng, self.vocabulary
        # The Special Representative's office exists since 2004.
        if day.year < 2004:
            day = datetime.date(2004, 6, 1) + datetime.timedelta(days=rng.randint(0, 365 * 21))
        country = rng.choice(self.reference.participating)
        start = day - datetime.timedelta(days=rng.randint(60, 400))
        periods = []
        for _ in range(rng.choice((1, 1, 2, 3))):
            end = start + datetime.timedelta(days=rng.randint(1, 5))
            periods.append(VisitPeriod(report_id=pk, start_on=start, end_on=end))
            start = end + datetime.timedelta(days=rng.randint(10, 60))
        recommendations, follow_ups = [], []
        areas = list(RecommendationArea.values)
        statuses = list(FollowUpStatus.values)
        for number in range(1, rng.randint(5, 30) + 1):
            rec_id = self.next_recommendation_id
            self.next_recommendation_id += 1
            recommendations.append(
                Recommendation(
                    pk=rec_id,
                    report_id=pk,
                    # The database keeps it so (decisions 0013); given here, its check finds nothing to mend.
                    country_id=country,
                    number=number,
                    area=rng.choice(areas),
                    text=vocabulary.paragraph(rng, "en", rng.randint(15, 45)),
                )
            )
            if rng.random() < 0.3:
                assessed = day
                for _ in range(rng.randint(1, 2)):
                    assessed = assessed + datetime.timedelta(days=rng.randint(180, 900))
                    follow_ups.append(
                        FollowUp(
                            recommendation_id=rec_id,
                            assessed_on=assessed,
                            status=rng.choice(statuses),
                            note=vocabulary.paragraph(rng, "en", 12),
                        )
                    )
        document = Document(
            pk=pk,
            title=(
                f"Report by the OSCE Special Representative following a country visit "
                f"({periods[0].start_on:%B %Y}) no. {pk}"
            ),
            slug=f"demo-country-visit-{pk}",
            published_on=day if status == Status.PUBLISHED else None,
        )
        child = CountryVisitReport(
            document_ptr_id=pk,
            country_id=country,
            representative_id=_representative_for(self.reference, day),
            promising_practices=vocabulary.paragraph(rng, "en", 80),
            challenges=vocabulary.paragraph(rng, "en", 80),
        )
        return document, child, {
            "states": [country],
            "periods": periods,
            "recommendations": recommendations,
            "follow_ups": follow_ups,
        }

    def _event(self, pk, day, status):
        rng = self.rng
        kind = rng.choices(list(EventKind.values), weights=(2, 3, 3))[0]
        host = rng.choice(self.reference.participating) if rng.random() < 0.85 else None
        end = day + datetime.timedelta(days=rng.randint(0, 2))
        theme = rng.choice(TITLE_SUBJECTS)
        document = Document(
            pk=pk,
            title=f"{EVENT_LABELS[kind]}: {theme} ({day.year}) no. {pk}",
            slug=f"demo-alliance-event-{pk}",
            published_on=end if status == Status.PUBLISHED else None,
        )
        child = AllianceEvent(
            document_ptr_id=pk,
            event_kind=kind,
            ordinal=None,
            theme=theme,
            start_on=day,
            end_on=end,
            venue=f"Conference centre, {rng.choice(CITIES)}",
            host_country_id=host,
            date_precision="day",
        )
        states = [host] if host else []
        self.counters.recent_events.append(pk)
        if len(self.counters.recent_events) > 100:
            self.counters.recent_events.pop(0)
        return document, child, {"states": states}

    def _statement(self, pk, day, status):
        rng = self.rng
        kind = rng.choice(list(StatementKind.values))
        theme = rng.choice(TITLE_SUBJECTS)
        document = Document(
            pk=pk,
            title=f"Alliance Expert Co-ordination Team {StatementKind(kind).label}: {theme} no. {pk}",
            slug=f"demo-alliance-statement-{pk}",
            published_on=day if status == Status.PUBLISHED else None,
        )
        child = AllianceStatement(document_ptr_id=pk, statement_kind=kind, issued_on=day, date_precision="day")
        extra = {"states": rng.sample(self.reference.participating, k=rng.choice((0, 1, 2)))}
        if self.reference.partners:
            extra["endorsements"] = [
                AllianceStatement.endorsed_by.through(alliancestatement_id=pk, partnerorganisation_id=partner)
                for partner in rng.sample(self.reference.partners, k=min(len(self.reference.partners), rng.randint(0, 3)))
            ]
        if self.counters.recent_events and rng.random() < 0.3:
            extra["relations"] = [
                DocumentRelation(source_id=rng.choice(self.counters.recent_events), kind=RelationKind.LED_TO, target_id=pk)
            ]
        return document, child, extra

    def _attachments(self, document_id, kind):
        rng = self.rng
        languages = ["en"] + rng.sample(TRANSLATIONS, k=rng.choice((0, 0, 1, 1, 2, 3)))
        rows = []
        kinds = [(AttachmentKind.FULL_TEXT, languages)]
        if kind == DocumentKind.EVENT and rng.random() < 0.5:
            kinds.append((AttachmentKind.AGENDA, ["en"]))
        for attachment_kind, kind_languages in kinds:
            for language in kind_languages:
                shared = self.shared_files[language]
                rows.append(
                    Attachment(
                        pk=self.next_attachment_id,
                        document_id=document_id,
                        file=shared.name,
                        kind=attachment_kind,
                        language=language,
                        is_original=language == "en",
                        original_name=f"{attachment_kind.replace('_', '-')}-{document_id}-{language}{shared.extension}",
                        size=shared.size,
                        sha256=shared.sha256,
                        content_type=shared.content_type,
                        uploaded_at=self.now,
                        text_status=TextStatus.EXTRACTED,
                    )
                )
                self.next_attachment_id += 1
        return rows


# Indexes dropped during a large load (only a threaded one: outside any
# transaction) and built again at its end, which is much cheaper than keeping
# them current row by row: PostgreSQL's index of each document's pairs of
# words (migration 0016) took as long to maintain per document as the pairs
# took to compute, 0.75 ms. The small kinds' own indexes of pairs (0021), and
# the recommendations' words and pairs (decisions 0010, 0012) too.
BULK_INDEXES = {
    "postgresql": [
        "osce_search_pairs",
        *(f"osce_search_pairs_{kind}" for kind in ("report", "event", "statement")),
        "decisions_recommendation_vector",
        "decisions_recommendation_pairs",
    ]
}


def _defer_bulk_indexes():
    """Drop BULK_INDEXES; returns their definitions, to build them again."""
    names = BULK_INDEXES.get(connection.vendor, [])
    if not names:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)", [names])
        # In BULK_INDEXES' order: the largest first (_rebuild_indexes).
        definitions = sorted(cursor.fetchall(), key=lambda row: names.index(row[0]))
        for name, _definition in definitions:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [definition for _name, definition in definitions]


def _texts_writer(text_sink):
    """PostgreSQL: a second writer, on a connection of its own, for the
    chunks' search entries, each chunk's once its documents have committed.
    Parsing their texts into vectors and pairs of words was 44 % of a load's
    time (20,000 documents: 30 of 69 s), all of it in the one server process
    of a single writer, while the rest of the chunk and the generator's
    Python left the second core mostly idle. Its writes leave the content
    version to the documents' writer (every chunk changes it there), so that
    the two do not queue on its one row; the load changes it again at its
    end."""
    if connection.vendor != "postgresql":
        return None
    return ChunkWriter(
        lambda chunk: text_sink.add_entries(chunk.texts),
        prepare=pagecache.leave_version_to_another_session,
        name="seed-demo-texts-writer",
    )


def _side_pairs_index():
    """SQLite, a database in a file: the entries' pairs of words indexed by a
    second process (osce_docs/sqlite/side_pairs.py), started here."""
    from .sqlite import side_pairs

    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [side_pairs.FTS])
        if cursor.fetchone() is None:
            return None
    index = side_pairs.SidePairsIndex(connection.settings_dict["NAME"])
    index.start()
    return index


def _skip_entry_pairs():
    from .sqlite import side_pairs

    connection.ensure_connection()
    side_pairs.skip_entry_pairs(connection.connection)


def _finish_side_pairs(index, first_id, *, loaded, stdout=None):
    """The side index in the database's place once every chunk is LOADED.
    If the load or the side process failed, the pairs of the entries the
    load wrote (ids from FIRST_ID) are worked out here instead."""
    if index is None:
        return
    if not loaded:
        index.abandon()
        _fill_entry_pairs(first_id, stdout=stdout)
        return
    started = timezone.now()
    try:
        index.finish()
    except BaseException:
        index.abandon()
        _fill_entry_pairs(first_id, stdout=stdout)
        raise
    if stdout:
        stdout.write(f"  pairs of words from the second process ({(timezone.now() - started).total_seconds():.0f} s)")


def _fill_entry_pairs(first_id, *, stdout=None):
    from .sqlite import side_pairs

    if stdout:
        # Stopped half-way, the index would lack these entries' pairs.
        stdout.write(
            "  the load stopped: the pairs of the entries it wrote are worked out here "
            "(if this is interrupted too: manage.py rebuild_search_index --fts)"
        )
    with transaction.atomic():
        connection.ensure_connection()
        side_pairs.fill_entry_pairs(connection.connection, first_id)


def _rebuild_indexes(definitions, *, stdout=None):
    """Build DEFINITIONS again, two at a time, each on a connection of its
    own: PostgreSQL builds a GIN index in one process, and the library's
    pairs of words (the first, the largest) took as long as the others
    together."""

    def build(definition):
        started = timezone.now()
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '512MB'")
                cursor.execute(definition)
        finally:
            connection.close()
        return definition, (timezone.now() - started).total_seconds()

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="seed-demo-index") as pool:
        for definition, seconds in pool.map(build, definitions):
            if stdout:
                stdout.write(f"  index built again ({seconds:.0f} s): {definition}")


def analyze():
    """Refresh the planner's statistics after a bulk load. Without them SQLite
    guesses that every filter is selective and picks bad plans (it scans the
    documents by status instead of following a topic's index)."""
    if connection.vendor in {"sqlite", "postgresql"}:
        with connection.cursor() as cursor:
            # PostgreSQL: VACUUM too, so that the visibility map lets the link
            # tables be read by index-only scans. Outside a transaction, as it must be.
            if connection.vendor == "postgresql" and connection.get_autocommit():
                cursor.execute("VACUUM ANALYZE")
            else:
                cursor.execute("ANALYZE")


def refresh_statistics():
    """During a load, each time the corpus doubles: statistics taken while
    the tables were nearly empty make the kept counts' triggers scan whole
    tables for every inserted row, and a load slows as the tables grow.

    PostgreSQL plans the triggers' queries once per connection and keeps the
    plan until statistics change: with autovacuum off, 2,000 documents a
    minute at 30,000 instead of 15,000. SQLite plans them from sqlite_stat1,
    which migrate left saying one Alliance event: each document inserted
    scanned every event and report (4.5 ms a row at 110,000 documents, 0.4 ms
    after ANALYZE). On SQLite a sample of each index is enough for that, and
    takes a second or two at any size."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA analysis_limit = 0")


def _reset_sequences():
    """Ids were given explicitly: move PostgreSQL's sequences past them."""
    from django.core.management.color import no_style

    models = [Document, Attachment, Recommendation, VisitPeriod, FollowUp, DocumentRelation]
    models += [Document.topics.through, Document.states.through, AllianceStatement.endorsed_by.through]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def synthetic_count():
    return Document.objects.filter(synthetic=True).count()


def generate_demo_corpus(*, documents, seed=1, text_kb=4.0, stdout=None, **options):
    """Generate DOCUMENTS synthetic documents; returns what was created, by name."""
    return CorpusGenerator(documents=documents, seed=seed, text_kb=text_kb, stdout=stdout, **options).run()


def clear_demo_corpus(*, stdout=None):
    """Delete every synthetic document and what hangs off it, and only that."""
    from . import demo_text

    synthetic = Document.objects.filter(synthetic=True)
    total = synthetic.count()
    if not total:
        return 0
    demo_text.clear_synthetic_text()
    ids = Document.objects.filter(synthetic=True).values("pk")
    # Bulk deletes by subquery, children first: the ORM's cascade would load
    # every row of a million-document corpus into memory.
    with transaction.atomic():
        FollowUp.objects.filter(recommendation__report__document_ptr__synthetic=True).delete()
        FollowUp.objects.filter(source__synthetic=True).update(source=None)
        for queryset in (
            Recommendation.objects.filter(report_id__in=ids),
            VisitPeriod.objects.filter(report_id__in=ids),
            Attachment.objects.filter(document_id__in=ids),
            DocumentRelation.objects.filter(source_id__in=ids),
            DocumentRelation.objects.filter(target_id__in=ids),
            Document.topics.through.objects.filter(document_id__in=ids),
            Document.states.through.objects.filter(document_id__in=ids),
            AllianceStatement.endorsed_by.through.objects.filter(alliancestatement_id__in=ids),
            Decision.objects.filter(document_ptr_id__in=ids),
            CountryVisitReport.objects.filter(document_ptr_id__in=ids),
            AllianceEvent.objects.filter(document_ptr_id__in=ids),
            AllianceStatement.objects.filter(document_ptr_id__in=ids),
        ):
            queryset._raw_delete(queryset.db)
        Document.objects.filter(synthetic=True)._raw_delete(Document.objects.db)
    if stdout:
        stdout.write(f"Removed {total:,} synthetic documents.")
    return total
