"""Reading bundle files: folders, zips, awkward bytes."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from vigil.core.ingest import source
from vigil.core.ingest.source import SourceError, open_bundle


def write(folder: Path, name: str, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def lines(folder: Path) -> list[source.SourceLine]:
    bundle = open_bundle(folder)
    return [line for file in bundle.files for line in file.lines()]


def test_files_load_in_contract_order_and_others_are_reported(tmp_path: Path) -> None:
    for name in ("access.jsonl", "records.jsonl", "staff.jsonl", "readme.txt"):
        write(tmp_path, name, b"{}\n")
    bundle = open_bundle(tmp_path)
    assert [file.kind for file in bundle.files] == ["staff", "records", "access"]
    assert bundle.ignored == [str(tmp_path / "readme.txt")]


def test_blank_lines_bom_and_line_numbers(tmp_path: Path) -> None:
    write(tmp_path, "records.jsonl", b'\xef\xbb\xbf{"a": 1}\n\n  \n{"a": 2}')
    read = lines(tmp_path)
    assert [(line.line, line.data) for line in read] == [(1, {"a": 1}), (4, {"a": 2})]


def test_invalid_utf8_and_broken_json_are_named(tmp_path: Path) -> None:
    write(tmp_path, "records.jsonl", b'{"a": "caf\xe9"}\n{"a": \n')
    first, second = lines(tmp_path)
    assert first.error is not None and "not valid UTF-8" in first.error
    assert second.error is not None and "not valid JSON" in second.error


def test_a_nul_character_is_refused_but_an_escaped_backslash_u_is_not(tmp_path: Path) -> None:
    write(tmp_path, "records.jsonl", b'{"a": "x\\u0000y"}\n{"a": "C:\\\\u0000"}\n')
    first, second = lines(tmp_path)
    assert first.error is not None and "NUL" in first.error
    assert second.data == {"a": "C:\\u0000"}


def test_an_overlong_line_is_refused_without_losing_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(source, "MAX_LINE_BYTES", 100)
    write(tmp_path, "records.jsonl", b'{"a": "' + b"x" * 1000 + b'"}\n{"b": 1}\n')
    first, second = lines(tmp_path)
    assert first.error is not None and "longer than" in first.error
    assert (second.line, second.data) == (2, {"b": 1})


def test_a_zip_with_the_bundle_in_one_folder(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("bundle/records.jsonl", '{"a": 1}\n')
        handle.writestr("bundle/notes.md", "hello")
    bundle = open_bundle(archive)
    assert [file.kind for file in bundle.files] == ["records"]
    assert [line.data for line in bundle.files[0].lines()] == [{"a": 1}]
    assert bundle.ignored == [f"{archive}!bundle/notes.md"]


def test_missing_and_unreadable_inputs(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file or folder"):
        open_bundle(tmp_path / "nowhere")
    (tmp_path / "fake.zip").write_bytes(b"not a zip")
    with pytest.raises(SourceError, match="not a bundle folder"):
        open_bundle(tmp_path / "fake.zip")
