"""Whole-file checks: empty, not CSV, encodings, delimiters, the upload size limit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import override_settings

from collection.imports.reading import (
    FileRefusedError,
    check_upload_size,
    header_signature,
    open_csv,
)


def opened(path: Path):
    return open_csv(name=path.name, size=path.stat().st_size, opener=lambda: path.open("rb"))


def test_an_empty_file_is_refused(write_csv: Callable[..., Path]) -> None:
    with pytest.raises(FileRefusedError, match="empty"):
        opened(write_csv(""))


def test_a_file_of_blank_lines_is_refused(write_csv: Callable[..., Path]) -> None:
    with pytest.raises(FileRefusedError, match="empty"):
        opened(write_csv("\n\n  \n"))


def test_a_header_without_rows_is_refused(write_csv: Callable[..., Path]) -> None:
    with pytest.raises(FileRefusedError, match="no rows"):
        opened(write_csv("uid,date\n"))


def test_an_excel_workbook_is_refused_by_name(write_csv: Callable[..., Path]) -> None:
    with pytest.raises(FileRefusedError, match=r"Excel \.xlsx"):
        opened(write_csv(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 100))


def test_a_binary_file_is_refused(write_csv: Callable[..., Path]) -> None:
    with pytest.raises(FileRefusedError, match="not a text file"):
        opened(write_csv(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))


def test_text_without_any_delimiter_is_not_csv(write_csv: Callable[..., Path]) -> None:
    with pytest.raises(FileRefusedError, match="does not look like a CSV"):
        opened(write_csv("Dear colleague\nplease find attached\n"))


def test_utf8_with_bom_is_read_without_a_notice(write_csv: Callable[..., Path]) -> None:
    csv_file = opened(write_csv("\ufeffuid,address\n1,Café Royal\n"))
    assert csv_file.header == ["uid", "address"]
    assert csv_file.notices == []
    assert list(csv_file.rows()) == [(2, ["1", "Café Royal"])]


def test_latin1_is_read_with_a_notice(write_csv: Callable[..., Path]) -> None:
    csv_file = opened(write_csv("uid,address\n1,Rue de l'Église\n", encoding="latin-1"))
    assert csv_file.encoding == "cp1252"
    assert "not UTF-8" in csv_file.notices[0]
    assert list(csv_file.rows()) == [(2, ["1", "Rue de l'Église"])]


def test_bytes_undefined_in_windows_1252_fall_back_to_latin1(
    write_csv: Callable[..., Path],
) -> None:
    csv_file = opened(write_csv(b"uid,address\n1,caf\xe9 \x81\n"))
    assert csv_file.encoding == "latin-1"
    assert "Latin-1" in csv_file.notices[0]


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_other_delimiters_are_recognised(write_csv: Callable[..., Path], delimiter: str) -> None:
    csv_file = opened(write_csv(f"uid{delimiter}address\n1{delimiter}High St, Leeds\n"))
    assert csv_file.delimiter == delimiter
    assert list(csv_file.rows()) == [(2, ["1", "High St, Leeds"])]


def test_rows_are_numbered_like_a_spreadsheet_and_blank_lines_skipped(
    write_csv: Callable[..., Path],
) -> None:
    csv_file = opened(write_csv('uid,note\n1,a\n\n3,"two\nlines"\n'))
    assert list(csv_file.rows()) == [(2, ["1", "a"]), (4, ["3", "two\nlines"])]


def test_a_200_mb_upload_is_refused_with_both_sizes(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: no disk space used
    with pytest.raises(FileRefusedError) as caught:
        check_upload_size(big.stat().st_size)
    assert "209.7 MB" in str(caught.value)
    assert "the upload limit is 100 MB" in str(caught.value)


@override_settings(ILP_IMPORT_MAX_UPLOAD_BYTES=1000)
def test_the_upload_limit_is_a_setting() -> None:
    with pytest.raises(FileRefusedError, match=r"limit is 0 MB"):
        check_upload_size(1001)


def test_header_signature_ignores_case_and_spacing() -> None:
    assert header_signature(["UID", " Date  Start"]) == header_signature(["uid", "date start"])
    assert header_signature(["uid", "date"]) != header_signature(["date", "uid"])
