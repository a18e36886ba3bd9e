"""Bulk import and export of documents as CSV, shared by the management
commands and the admin.

An import reads the whole file first: every row is parsed and checked (dates,
topics, referenced files by their content ...) and compared with what is
stored, giving a plan per row (create, change or unchanged). Only when no row
has an error, and it is not a dry run, is the plan applied, in one
transaction: all or nothing per file. Files stored before a failure are
removed again.

Each kind of document has an importer (decisions/importing.py,
alliance/importing.py) saying how its columns map to its service calls.
"""

import csv
import io
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import DatabaseError
from django.utils.translation import gettext as _
from unidecode import unidecode

from . import services
from .filetypes import CheckedFile, check_upload, clean_original_name
from .languages import is_language_code
from .models import AttachmentKind, Status, Topic
from .roles import can_edit, can_publish

CREATE, CHANGE, UNCHANGED = "create", "change", "unchanged"
MAX_CSV_BYTES = 20 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ImportFailed(Exception):
    """The file as a whole cannot be read (encoding, header)."""


class RowInvalid(Exception):
    def __init__(self, messages):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


@dataclass(frozen=True)
class RowError:
    row: int
    message: str

    def __str__(self):
        return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class FilePlan:
    language: str
    kind: str
    path: str
    checked: CheckedFile
    action: str = CREATE
    is_original: bool = False
    existing: object = None


@dataclass
class RowPlan:
    row: int
    label: str
    data: dict
    key: tuple
    instance: object = None
    action: str = CREATE
    changes: list = field(default_factory=list)
    files: list = field(default_factory=list)


@dataclass
class ImportReport:
    kind: str
    plans: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    dry_run: bool = False
    applied: bool = False

    @property
    def ok(self):
        return not self.errors

    def count(self, action):
        return sum(1 for plan in self.plans if plan.action == action)

    def summary(self):
        return _("%(created)d created, %(changed)d changed, %(unchanged)d unchanged") % {
            "created": self.count(CREATE),
            "changed": self.count(CHANGE),
            "unchanged": self.count(UNCHANGED),
        }


def normalise_name(text):
    """'Maria-Grazia GIAMMARINARO' and 'maria grazia giammarinaro' compare equal."""
    return re.sub(r"[^a-z0-9]+", " ", unidecode(str(text or "")).lower()).strip()


# Files the CSV refers to ------------------------------------------------------


def safe_relative_path(text):
    """The path as written in the CSV, refused when it could leave the folder
    it is relative to (absolute paths, drive letters, '..')."""
    cleaned = str(text).strip().replace("\\", "/")
    if not cleaned:
        raise ValueError(_("an empty file path"))
    if cleaned.startswith("/") or re.match(r"^[A-Za-z]:", cleaned):
        raise ValueError(_("“%(path)s” is an absolute path; give it relative to the CSV") % {"path": text})
    parts = [part for part in PurePosixPath(cleaned).parts if part not in ("", ".")]
    if not parts or ".." in parts:
        raise ValueError(_("“%(path)s” leaves the CSV's folder; give it relative to the CSV") % {"path": text})
    return "/".join(parts)


class FileSource:
    """Where the files a CSV names are read from."""

    def open(self, path):
        """A django File opened for reading; ValueError saying why it cannot be."""
        raise NotImplementedError


class DirectoryFiles(FileSource):
    """Files in the CSV's folder and below (the command line)."""

    def __init__(self, root):
        self.root = Path(root).resolve()

    def open(self, path):
        full = (self.root / path).resolve()
        # Also catches a symbolic link pointing out of the folder.
        if not full.is_relative_to(self.root):
            raise ValueError(_("“%(path)s” leaves the CSV's folder") % {"path": path})
        if not full.is_file():
            raise ValueError(_("no file “%(path)s” next to the CSV") % {"path": path})
        return File(full.open("rb"), name=full.name)


class ZipFiles(FileSource):
    """Files inside an uploaded ZIP (the admin)."""

    def __init__(self, fileobj):
        try:
            self.archive = zipfile.ZipFile(fileobj)
        except (zipfile.BadZipFile, OSError, ValueError):
            raise ImportFailed(_("The file uploaded with the CSV is not a readable ZIP archive."))
        infos = [info for info in self.archive.infolist() if not info.is_dir()]
        if len(infos) > MAX_ZIP_MEMBERS:
            raise ImportFailed(_("The ZIP holds more than %(max)d files.") % {"max": MAX_ZIP_MEMBERS})
        self.members = {}
        for info in infos:
            name = info.filename.replace("\\", "/")
            while name.startswith("./"):
                name = name[2:]
            self.members[name] = info
        # A ZIP made from the folder itself has everything under that folder's
        # name; the CSV's paths are then found below it too.
        tops = {name.split("/", 1)[0] for name in self.members}
        if len(tops) == 1 and all("/" in name for name in self.members):
            top = tops.pop()
            for name, info in list(self.members.items()):
                self.members.setdefault(name[len(top) + 1 :], info)

    def open(self, path):
        info = self.members.get(path)
        if info is None:
            raise ValueError(_("no file “%(path)s” in the ZIP") % {"path": path})
        if info.file_size > settings.ATTACHMENT_MAX_BYTES:
            raise ValueError(_("“%(path)s” is larger than the upload limit") % {"path": path})
        # A seekable copy: the upload checks read the file more than once.
        copy = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)
        with self.archive.open(info) as member:
            shutil.copyfileobj(member, copy, 1024 * 1024)
        copy.seek(0)
        return File(copy, name=PurePosixPath(path).name)


class NoFiles(FileSource):
    def open(self, path):
        raise ValueError(_("“%(path)s” is named but no ZIP with the files was uploaded") % {"path": path})


# Reading one row ----------------------------------------------------------------


class RowReader:
    """The cells of one row, turned into values; problems are collected so a
    row reports all its mistakes at once."""

    def __init__(self, values, number):
        self.values = values
        self.number = number
        self.errors = []

    def has(self, column):
        return column in self.values

    def raw(self, column):
        return (self.values.get(column) or "").strip()

    def error(self, column, message):
        self.errors.append(f"{column}: {message}")

    def text(self, column, *, required=False, max_length=None):
        value = self.raw(column)
        if required and not value:
            self.error(column, _("required"))
        elif max_length and len(value) > max_length:
            self.error(column, _("longer than %(max)d characters") % {"max": max_length})
        return value

    def parse_date(self, column, value):
        if not _DATE_RE.match(value):
            self.error(column, _("“%(value)s” is not a date as YYYY-MM-DD") % {"value": value})
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.error(column, _("“%(value)s” is not a date as YYYY-MM-DD") % {"value": value})
            return None

    def date(self, column, *, required=False):
        value = self.raw(column)
        if not value:
            if required:
                self.error(column, _("required"))
            return None
        return self.parse_date(column, value)

    def choice(self, column, choices, *, default=None):
        """A TextChoices value, given as its value or its label, any case."""
        value = self.raw(column)
        if not value:
            if default is None:
                self.error(column, _("required"))
            return default
        wanted = normalise_name(value)
        for choice_value, label in choices:
            if wanted in (normalise_name(choice_value), normalise_name(label)):
                return choice_value
        allowed = ", ".join(choice_value for choice_value, _label in choices)
        self.error(column, _("“%(value)s” is not one of %(allowed)s") % {"value": value, "allowed": allowed})
        return default

    def status(self, column="status"):
        return self.choice(column, Status.choices, default=Status.DRAFT)

    def items(self, column, separator=";"):
        return [item.strip() for item in self.raw(column).split(separator) if item.strip()]


# The engine ---------------------------------------------------------------------


class DocumentImporter:
    """How one kind of document's CSV rows become service calls. Subclasses
    set the class attributes and implement parse, key, label, find, changes,
    create, update and export_row."""

    kind = ""  # the command-line name: decisions, reports, events
    model = None
    columns = ()  # every column, in export order
    required_columns = ()

    def __init__(self, *, files=None, user=None):
        self.files = files or NoFiles()
        self.user = user
        self._topics = None

    # -- reading the file

    def read_rows(self, csv_file):
        """(row number, {column: value}) for each non-blank row; header = row 1."""
        raw = csv_file.read(MAX_CSV_BYTES + 1)
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        if len(raw) > MAX_CSV_BYTES:
            raise ImportFailed(_("The CSV is larger than 20 MB; split it into several files."))
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportFailed(
                _("The CSV is not UTF-8 text (byte %(position)d); save it as “CSV UTF-8”.")
                % {"position": error.start}
            )
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader)
        except StopIteration:
            raise ImportFailed(_("The CSV is empty: it needs a header row."))
        except csv.Error as error:
            raise ImportFailed(_("The CSV cannot be read: %(error)s") % {"error": error})
        header = [name.strip().lower() for name in header]
        self.check_header(header)
        rows = []
        number = 1
        try:
            # Numbered as a spreadsheet shows them: the header is row 1.
            for number, values in enumerate(reader, start=2):
                if not any(value.strip() for value in values):
                    continue
                if len(values) > len(header):
                    rows.append((number, None))
                    continue
                # A short row (trailing cells left out) has those cells empty.
                values = values + [""] * (len(header) - len(values))
                rows.append((number, dict(zip(header, values))))
        except csv.Error as error:
            raise ImportFailed(_("Row %(row)d cannot be read: %(error)s") % {"row": number + 1, "error": error})
        return rows

    def check_header(self, header):
        unknown = [name for name in header if name not in self.columns]
        missing = [name for name in self.required_columns if name not in header]
        duplicated = sorted({name for name in header if header.count(name) > 1})
        problems = []
        if unknown:
            problems.append(_("unknown columns: %(names)s") % {"names": ", ".join(unknown)})
        if missing:
            problems.append(_("missing required columns: %(names)s") % {"names": ", ".join(missing)})
        if duplicated:
            problems.append(_("columns given twice: %(names)s") % {"names": ", ".join(duplicated)})
        if problems:
            raise ImportFailed(
                _("The header row of a %(kind)s CSV is wrong (%(problems)s). Its columns are: %(columns)s.")
                % {"kind": self.kind, "problems": "; ".join(problems), "columns": ",".join(self.columns)}
            )

    # -- shared cell readers

    def read_shared_columns(self, reader, data):
        """The columns every kind has: summary, topics, status and files."""
        if reader.has("summary"):
            data["summary"] = reader.text("summary")
        if reader.has("topics"):
            data["topics"] = self.topics(reader)
        if reader.has("status"):
            data["status"] = reader.status()
        data["files"] = self.file_items(reader) if reader.has("files") else []
        return data

    def topics(self, reader, column="topics"):
        if self._topics is None:
            self._topics = {}
            for topic in Topic.objects.all():
                self._topics[normalise_name(topic.name)] = topic
                self._topics[normalise_name(topic.slug)] = topic
        found = []
        for item in reader.items(column):
            topic = self._topics.get(normalise_name(item))
            if topic is None:
                reader.error(column, _("unknown topic “%(topic)s”") % {"topic": item})
            elif topic not in found:
                found.append(topic)
        return found

    def file_items(self, reader, column="files"):
        """`lang:path`, `lang:kind:path` or `path` (English full text), each
        checked like an admin upload."""
        plans, seen = [], {}
        kinds = set(AttachmentKind.values)
        for item in reader.items(column):
            parts = item.split(":")
            language, kind = "en", AttachmentKind.FULL_TEXT
            if len(parts) > 1 and re.fullmatch(r"[A-Za-z]{2,3}", parts[0].strip()):
                language = parts.pop(0).strip().lower()
                if not is_language_code(language):
                    reader.error(column, _("“%(code)s” is not an ISO 639-1 language code") % {"code": language})
                    continue
            if len(parts) > 1 and parts[0].strip().lower() in kinds:
                kind = parts.pop(0).strip().lower()
            try:
                path = safe_relative_path(":".join(parts))
            except ValueError as error:
                reader.error(column, str(error))
                continue
            if (kind, language) in seen:
                reader.error(
                    column,
                    _("“%(path)s” and “%(other)s” are both the %(language)s %(kind)s: one file per kind and language")
                    % {"path": path, "other": seen[(kind, language)], "language": language, "kind": kind},
                )
                continue
            seen[(kind, language)] = path
            try:
                with self.files.open(path) as fileobj:
                    checked = check_upload(fileobj)
            except ValueError as error:
                reader.error(column, str(error))
                continue
            except ValidationError as error:
                reader.error(column, f"“{path}”: {' '.join(error.messages)}")
                continue
            plans.append(FilePlan(language=language, kind=kind, path=path, checked=checked))
        return plans

    # -- what subclasses provide

    def parse(self, reader):
        """The row's values as a dict (only for the columns the file has)."""
        raise NotImplementedError

    def key(self, data):
        raise NotImplementedError

    def label(self, data):
        raise NotImplementedError

    def find(self, data):
        raise NotImplementedError

    def check_references(self, plan, plans_by_key):
        """Errors (a list of messages) about things the row points at."""
        return []

    def changes(self, instance, data):
        """Human-readable names of what would change."""
        raise NotImplementedError

    def create(self, data):
        raise NotImplementedError

    def update(self, instance, data):
        raise NotImplementedError

    def after_row(self, plan, plans):
        """Work on PLAN's record that needs every row saved (relations between rows)."""

    def original_language(self, instance, data):
        return "en"

    def export_row(self, instance, files_column):
        raise NotImplementedError

    # -- comparing helpers

    @staticmethod
    def field_changes(instance, data, fields):
        return [name for name in fields if name in data and getattr(instance, name) != data[name]]

    @staticmethod
    def topic_changes(instance, data):
        if "topics" in data and set(instance.topics.values_list("pk", flat=True)) != {t.pk for t in data["topics"]}:
            return ["topics"]
        return []

    # -- the run

    def run(self, csv_file, *, dry_run=False):
        report = ImportReport(kind=self.kind, dry_run=dry_run)
        plans_by_key = {}
        for number, values in self.read_rows(csv_file):
            if values is None:
                report.errors.append(RowError(number, _("more cells than the header has columns")))
                continue
            reader = RowReader(values, number)
            data = self.parse(reader)
            if reader.errors:
                report.errors.append(RowError(number, "; ".join(reader.errors)))
                continue
            key = self.key(data)
            if key in plans_by_key:
                report.errors.append(
                    RowError(
                        number,
                        _("%(label)s is already in row %(row)d")
                        % {"label": self.label(data), "row": plans_by_key[key].row},
                    )
                )
                continue
            plans_by_key[key] = RowPlan(row=number, label=self.label(data), data=data, key=key)
        for plan in plans_by_key.values():
            problems = self.check_references(plan, plans_by_key)
            if problems:
                report.errors.append(RowError(plan.row, "; ".join(problems)))
                continue
            self.plan_row(plan)
            refusal = self.check_permission(plan)
            if refusal:
                report.errors.append(RowError(plan.row, refusal))
                continue
            report.plans.append(plan)
        report.errors.sort(key=lambda error: error.row)
        if report.errors or dry_run:
            return report
        self.apply(report)
        return report

    def plan_row(self, plan):
        plan.instance = self.find(plan.data)
        plan.files = plan.data.pop("files", [])
        if plan.instance is None:
            plan.action = CREATE
            plan.changes = []
        else:
            plan.changes = self.changes(plan.instance, plan.data)
        self.plan_files(plan)
        if plan.instance is not None:
            plan.action = CHANGE if plan.changes else UNCHANGED

    def plan_files(self, plan):
        existing = {}
        if plan.instance is not None:
            existing = {(a.kind, a.language): a for a in plan.instance.attachments.all()}
        originals = {kind for (kind, _language), a in existing.items() if a.is_original}
        original_language = self.original_language(plan.instance, plan.data)
        for file_plan in plan.files:
            current = existing.get((file_plan.kind, file_plan.language))
            if current is None:
                file_plan.action = CREATE
                # Only a new file in the document's original language becomes the original.
                file_plan.is_original = (
                    file_plan.language == original_language and file_plan.kind not in originals
                )
                if plan.instance is not None:
                    plan.changes.append(_("new file %(path)s") % {"path": file_plan.path})
            elif current.sha256 == file_plan.checked.sha256:
                file_plan.action = UNCHANGED
            else:
                file_plan.action = CHANGE
                file_plan.existing = current
                plan.changes.append(_("new bytes for %(path)s") % {"path": file_plan.path})

    def check_permission(self, plan):
        """Editors import drafts only: publishing, unpublishing or changing a
        published document is for Publishers (see osce_docs/roles.py)."""
        if plan.action == UNCHANGED or can_publish(self.user) or self.user is None:
            return None
        wanted = plan.data.get("status", Status.DRAFT if plan.instance is None else plan.instance.status)
        if (plan.instance is not None and not can_edit(self.user, plan.instance)) or wanted == Status.PUBLISHED:
            return _("only Publishers may publish, unpublish or change published documents")
        return None

    def apply(self, report):
        current = None
        try:
            # Files stored for rows that are rolled back are deleted again.
            with services.atomic_with_files():
                for current in report.plans:
                    if current.action == CREATE:
                        current.instance = self.create(current.data)
                    elif current.action == CHANGE:
                        self.update(current.instance, current.data)
                for current in report.plans:
                    self.after_row(current, report.plans)
                for current in report.plans:
                    self.store_files(current)
        except (ValidationError, PermissionDenied, DatabaseError, ValueError) as error:
            message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            report.errors.append(RowError(current.row if current is not None else 1, message))
            return
        report.applied = True

    def store_files(self, plan):
        for file_plan in plan.files:
            if file_plan.action == UNCHANGED:
                continue
            with self.files.open(file_plan.path) as fileobj:
                if file_plan.action == CREATE:
                    services.attachment_create(
                        document=plan.instance,
                        uploaded_file=fileobj,
                        kind=file_plan.kind,
                        language=file_plan.language,
                        is_original=file_plan.is_original,
                        user=self.user,
                        original_name=fileobj.name,
                    )
                else:
                    services.attachment_replace_file(
                        attachment=file_plan.existing, uploaded_file=fileobj, user=self.user, original_name=fileobj.name
                    )

    # -- export

    def export(self, queryset, out, *, files_dir=None, files_prefix=""):
        """Write QUERYSET as this kind's CSV to OUT. With FILES_DIR the stored
        files are copied there (one folder per document, original names) and
        the files column gives their paths as FILES_PREFIX/slug/name."""
        writer = csv.DictWriter(out, fieldnames=list(self.columns), lineterminator="\n")
        writer.writeheader()
        for instance in self.export_queryset(queryset.order_by("pk")):
            writer.writerow(self.export_row(instance, self.export_files(instance, files_dir, files_prefix)))

    def export_queryset(self, queryset):
        """QUERYSET with what export_row reads fetched in a few queries."""
        return queryset.prefetch_related("topics", "attachments")

    def export_files(self, instance, files_dir, files_prefix):
        items, used = [], set()
        for attachment in sorted(instance.attachments.all(), key=lambda a: (a.kind != AttachmentKind.FULL_TEXT, a.kind, a.language)):
            name = clean_original_name(attachment.original_name or f"file-{attachment.pk}")
            if name in used:
                name = f"{attachment.language}-{attachment.kind}-{name}"
            used.add(name)
            relative = "/".join(part for part in (files_prefix, instance.slug, name) if part)
            if files_dir is not None:
                target = Path(files_dir) / instance.slug / name
                target.parent.mkdir(parents=True, exist_ok=True)
                with attachment.file.open("rb") as source, target.open("wb") as copy:
                    shutil.copyfileobj(source, copy)
            kind = "" if attachment.kind == AttachmentKind.FULL_TEXT else f"{attachment.kind}:"
            items.append(f"{attachment.language}:{kind}{relative}")
        return ";".join(items)


def format_date(value):
    return value.isoformat() if value else ""


def format_topics(instance):
    return ";".join(topic.slug for topic in instance.topics.all())


def importer_for(kind):
    """The importer class for a command-line kind name."""
    from alliance.importing import EventImporter
    from decisions.importing import DecisionImporter, ReportImporter

    importers = {cls.kind: cls for cls in (DecisionImporter, ReportImporter, EventImporter)}
    return importers[kind]


IMPORT_KINDS = ("decisions", "reports", "events")
