"""Reading an import file: refusals of whole files, the encoding, the delimiter, the header, and
the rows as a stream (the file is never held in memory).

Real records-system exports are often Windows-1252 or Latin-1, not UTF-8, so a file that is not
valid UTF-8 is read in Windows-1252 (else Latin-1, which decodes anything) and the result says
so; refusing it would only send the user to a text editor.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import sys
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from io import TextIOWrapper
from typing import IO, Any, Protocol

from django.conf import settings

Opener = Callable[[], IO[bytes]]
# A row's values, or (a str) why the source itself cannot use the row.
RowValues = list[str] | str

DEFAULT_MAX_UPLOAD_BYTES = 100_000_000  # 100 MB
DELIMITERS = (",", ";", "\t", "|")
_BLOCK = 1024 * 1024
_MAGIC = {
    b"PK\x03\x04": "a ZIP archive or an Excel .xlsx workbook",
    b"\xd0\xcf\x11\xe0": "an Excel .xls workbook",
    b"%PDF": "a PDF document",
    b"\x1f\x8b": "a gzip archive",
}
_ENCODING_NOTICES = {
    "cp1252": "The file is not UTF-8: it was read as Windows-1252, the usual encoding of "
    "exports from Windows records systems and Excel. Check accented names in the preview.",
    "latin-1": "The file is not UTF-8 or Windows-1252: it was read as Latin-1 (ISO-8859-1). "
    "Check accented names in the preview.",
}

# Quoted addresses and notes can be long; a stray quote can swallow the rest of a file, which the
# field limit turns into a clear error instead of a memory problem.
csv.field_size_limit(min(sys.maxsize, 1024 * 1024))


class FileRefusedError(ValueError):
    """The file as a whole cannot be imported; the message says why and what to do."""


def max_upload_bytes() -> int:
    """The size limit of files uploaded in the browser or the API (the command line has none)."""
    return int(getattr(settings, "ILP_IMPORT_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def megabytes(size: int) -> str:
    """A size for people: '100 MB', '209.7 MB'."""
    value = f"{size / 1_000_000:.1f}"
    return f"{value.removesuffix('.0')} MB"


def check_upload_size(size: int) -> None:
    """Refuse an upload over the limit, naming both sizes."""
    limit = max_upload_bytes()
    if size > limit:
        raise FileRefusedError(
            f"The file is {megabytes(size)}; the upload limit is {megabytes(limit)}. "
            "Split it, or import it on the server with `manage.py import_incidents`."
        )


def header_signature(header: Sequence[str]) -> str:
    """SHA-256 of the normalised header: files with the same columns share a remembered mapping."""
    normalised = "\x1f".join(" ".join(name.split()).casefold() for name in header)
    return hashlib.sha256(normalised.encode()).hexdigest()


class RowSource(Protocol):
    """Rows to import, numbered as a spreadsheet would (the header is row 1)."""

    name: str
    header: list[str]
    notices: list[str]

    def rows(self) -> Generator[tuple[int, RowValues], None, None]:
        """(row number, values) for every non-blank row, streamed."""
        ...

    def fraction_read(self) -> float:
        """How much of the input ``rows`` has consumed so far, 0 to 1."""
        ...


@dataclass
class CsvFile:
    """A CSV file opened for import: its encoding, delimiter and header are known."""

    name: str
    size: int
    opener: Opener
    encoding: str = "utf-8-sig"
    delimiter: str = ","
    header: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    _raw: IO[bytes] | None = None

    def _reader(self, raw: IO[bytes]) -> Any:
        text = TextIOWrapper(raw, encoding=self.encoding, newline="")
        return csv.reader(text, delimiter=self.delimiter, strict=False)

    def rows(self) -> Generator[tuple[int, list[str]], None, None]:
        """Data rows with their spreadsheet row numbers; blank lines are skipped (but counted)."""
        with self.opener() as raw:
            self._raw = raw
            reader = self._reader(raw)
            number = 1
            try:
                next(reader, None)
                for number, values in enumerate(reader, start=2):
                    if values and any(values):
                        yield number, values
            except csv.Error as exc:
                raise FileRefusedError(
                    f"The file is not valid CSV near row {number + 1}: {exc}."
                ) from exc
            finally:
                self._raw = None

    def fraction_read(self) -> float:
        raw = self._raw
        if raw is None or not self.size:
            return 0.0
        try:
            return min(1.0, raw.tell() / self.size)
        except (OSError, ValueError):
            return 0.0

    def sample(self, count: int) -> list[list[str]]:
        """The first ``count`` data rows, for showing the file while mapping its columns."""
        found: list[list[str]] = []
        rows = self.rows()
        try:
            for _, values in rows:
                found.append(values)
                if len(found) >= count:
                    break
        finally:
            rows.close()
        return found


def open_csv(*, name: str, size: int, opener: Opener) -> CsvFile:
    """Check a file and learn its encoding, delimiter and header; refuse what cannot be read."""
    if size == 0:
        raise FileRefusedError("The file is empty.")
    with opener() as raw:
        head = raw.read(8192)
    _refuse_binary(head)
    encoding = detect_encoding(opener)
    csv_file = CsvFile(name=name, size=size, opener=opener, encoding=encoding)
    if encoding in _ENCODING_NOTICES:
        csv_file.notices.append(_ENCODING_NOTICES[encoding])
    with opener() as raw:
        text = TextIOWrapper(raw, encoding=encoding, newline="")
        first_line = text.readline()
        if not first_line.strip():
            rest = text.read(_BLOCK)
            if not rest.strip() and not text.read(1):
                raise FileRefusedError("The file is empty.")
            raise FileRefusedError("The first line is blank: the first line must be the header.")
    csv_file.delimiter = _sniff_delimiter(first_line)
    with opener() as raw:
        reader = csv_file._reader(raw)
        try:
            header = next(reader)
        except csv.Error as exc:
            raise FileRefusedError(f"The header line is not valid CSV: {exc}.") from exc
    csv_file.header = [column.strip() for column in header]
    rows = csv_file.rows()
    try:
        if next(rows, None) is None:
            raise FileRefusedError("The file has a header line but no rows.")
    finally:
        rows.close()
    return csv_file


def _refuse_binary(head: bytes) -> None:
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise FileRefusedError(f"This is {what}, not a CSV file: save or export it as CSV.")
    if b"\x00" in head:
        raise FileRefusedError(
            "This is not a text file (it holds NUL bytes): export the data as CSV. "
            "(UTF-16 files are not read: save as UTF-8.)"
        )


def detect_encoding(opener: Opener) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes, else Windows-1252, else Latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with opener() as raw:
                while block := raw.read(_BLOCK):
                    decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    return "latin-1"


def _sniff_delimiter(line: str) -> str:
    counts = {delimiter: line.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        raise FileRefusedError(
            "The first line has no comma, semicolon, tab or pipe: this does not look like a "
            "CSV file with a header line."
        )
    return best


RECORD_FIELDS = (
    "reference",
    "offence",
    "occurred_from",
    "occurred_to",
    "reported_at",
    "latitude",
    "longitude",
    "address",
    "status",
)


@dataclass
class RecordsSource:
    """Rows sent as JSON objects (the API bulk endpoint): the fields are the columns.

    ``occurred_at`` is folded into occurred_from and occurred_to, so rows may use either form.
    """

    records: Sequence[dict[str, object]]
    name: str = "API rows"
    notices: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=lambda: list(RECORD_FIELDS))
    _done: int = 0

    def rows(self) -> Generator[tuple[int, RowValues], None, None]:
        """(index in the list, from 0; values in header order) for every record."""
        for index, record in enumerate(self.records):
            self._done = index + 1
            values = {name: _text(record.get(name)) for name in RECORD_FIELDS}
            at = _text(record.get("occurred_at"))
            if at and (values["occurred_from"] or values["occurred_to"]):
                yield index, "Give occurred_at, or occurred_from/occurred_to, not both."
                continue
            if at:
                values["occurred_from"] = at
                values["occurred_to"] = at
            yield index, [values[name] for name in RECORD_FIELDS]

    def fraction_read(self) -> float:
        return self._done / len(self.records) if self.records else 1.0


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
