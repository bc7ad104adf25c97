"""Collection: bulk imports of incidents from records-system exports (CSV).

Three ways in, one path through:

- command line: ``manage.py import_incidents FILE --agency CODE --map FIELD=COLUMN …
  [--set FIELD=VALUE …] [--crs EPSG:NNNN] [--time-format FMT] [--dry-run] [--json]``
  (exit 0 all rows accepted, 1 some rejected, 2 nothing imported; no size limit);
- browser: upload → map columns (remembered per header) → check (dry run of the first
  20,000 rows) → import as a background job with a progress bar;
- API: ``POST /api/v1/collection/imports/`` (multipart: file + mapping, answered 202 and run as a
  job) and ``POST /api/v1/collection/imports/rows/`` (up to 10,000 JSON rows, synchronous).

Rules every way shares (spec, parsing, reading):

- fields: reference, offence, occurred_at | occurred_from (+ occurred_to), reported_at,
  latitude/longitude or x/y with a coordinate system, address, status; ``COL1+COL2`` joins
  columns (a date and a time column), ``reference=#row`` numbers rows of a file without
  references, ``--set`` gives one value to every row;
- times without a zone are the agency's local time (Agency.time_zone); ISO 8601 unless a
  strptime format is given; years outside 1900–2200 and times more than an hour ahead are
  refused; ``NA``, ``NULL``, ``N/A``… are read as empty;
- a bad value rejects its row with a message naming the column and the value; the other rows
  are imported; a reference repeated in the file keeps its first row; re-importing a reference
  updates the incident (agency + reference is the key); unknown offence names are added
  flagged for review; a status outside the known synonyms is stored as ``unknown``;
- files: UTF-8, else Windows-1252, else Latin-1 (said in the notices); comma, semicolon, tab
  or pipe; empty, binary, spreadsheet or header-only files are refused; uploads are limited
  to ILP_IMPORT_MAX_UPLOAD_BYTES (default 100 MB) — but note that under /api/ the request
  size middleware (DATA_UPLOAD_MAX_MEMORY_SIZE, 10 MB by default) refuses bigger bodies first;
- dry runs write nothing: the command line and the rows endpoint record no Import (import_id
  null); an API upload with dry_run=true is recorded, marked as a dry run, so it can be polled.

Every run writes its rows in ONE transaction (pipeline.execute): PostgreSQL through COPY into
a temporary table and an upsert per chunk (copy.py), other databases through the ORM (orm.py).
Memory is bounded by the chunk size. Progress is written through a second connection while the
transaction is open (progress.py); on failure the transaction is rolled back and the Import is
marked failed with the reason. The job (tasks.incident_import_task) is idempotent.

Modules: spec (mapping), reading (files), parsing (rows), statuses, offences, writers / copy /
orm (database), pipeline (one run), running (locks, final state, failures), progress, results,
mappings (remembered/guessed), services (every write), tasks, forms, views, urls, serializers,
schema, api, registry.
"""
