"""Reading agency exports line by line, with bounded memory, without trusting them."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

import orjson

# A longer line is refused without being held in memory.
MAX_LINE_BYTES = 4 * 1024 * 1024
EXCERPT_CHARS = 200

BUNDLE_FILES = ("staff.jsonl", "records.jsonl", "actions.jsonl", "access.jsonl")


class SourceError(Exception):
    """The input as a whole cannot be read (missing folder, broken zip, bad mapping)."""


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One line of input: a decoded JSON value, or the reason it could not be decoded.

    Attributes:
        file: The file's name as the user will recognise it.
        line: 1-based line number.
        data: The decoded value when `error` is None.
        error: Why the line could not be decoded.
        excerpt: The start of the line, for error reports.
    """

    file: str
    line: int
    data: object = None
    error: str | None = None
    excerpt: str = ""


class SourceFile(Protocol):
    """A file of lines of one bundle file kind (records, actions, ...)."""

    name: str
    kind: str
    size: int

    def lines(self, progress: Callable[[int], None] | None = None) -> Iterator[SourceLine]:
        """Yields every line; `progress` is called with bytes consumed since the last call."""
        ...


@dataclass
class JsonLinesFile:
    """A JSON Lines file in a folder or inside a zip."""

    name: str
    kind: str
    size: int
    opener: Callable[[], AbstractContextManager[IO[bytes]]]

    def lines(self, progress: Callable[[int], None] | None = None) -> Iterator[SourceLine]:
        """Yields each non-blank line, decoded, or with the reason it cannot be."""
        with self.opener() as handle:
            number = 0
            while True:
                raw = handle.readline(MAX_LINE_BYTES + 1)
                if not raw:
                    return
                number += 1
                consumed = len(raw)
                if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                    consumed += _skip_rest_of_line(handle)
                    if progress:
                        progress(consumed)
                    yield SourceLine(
                        self.name,
                        number,
                        error=f"line is longer than {MAX_LINE_BYTES // (1024 * 1024)} MiB",
                        excerpt=_excerpt(raw),
                    )
                    continue
                if progress:
                    progress(consumed)
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                if not raw.strip():
                    continue
                yield decode_json_line(self.name, number, raw)


def decode_json_line(file: str, number: int, raw: bytes) -> SourceLine:
    """Decodes one line of JSON, naming invalid UTF-8 and broken JSON as such."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return SourceLine(
            file,
            number,
            error=f"not valid UTF-8 (byte {error.start + 1} of the line)",
            excerpt=_excerpt(raw),
        )
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        return SourceLine(file, number, error=f"not valid JSON: {error}", excerpt=_excerpt(raw))
    # PostgreSQL text cannot hold NUL, so neither store takes it: same input, same outcome.
    if b"\\u0000" in raw and _holds_nul(data):
        return SourceLine(
            file,
            number,
            error="a value holds the NUL character (\\u0000), which cannot be stored",
            excerpt=_excerpt(raw),
        )
    return SourceLine(file, number, data=data)


def _holds_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def _skip_rest_of_line(handle: IO[bytes]) -> int:
    skipped = 0
    while True:
        chunk = handle.readline(1024 * 1024)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped


def _excerpt(raw: bytes) -> str:
    return raw[: EXCERPT_CHARS * 2].decode("utf-8", "replace").strip()[:EXCERPT_CHARS]


@dataclass
class Bundle:
    """The files of one bundle, in the order they must be loaded, and the files ignored."""

    source: str
    files: list[SourceFile] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Total bytes to read."""
        return sum(file.size for file in self.files)


def open_bundle(path: Path) -> Bundle:
    """Opens a bundle folder, or a .zip holding one (at its root or in one top folder).

    Raises:
        SourceError: when the path does not exist or is not a folder or readable zip.
    """
    if path.is_dir():
        return _folder_bundle(path)
    if path.is_file() and zipfile.is_zipfile(path):
        return _zip_bundle(path)
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    raise SourceError(f"{path}: not a bundle folder or a .zip of one")


def _folder_bundle(path: Path) -> Bundle:
    bundle = Bundle(source=str(path))
    present = {child.name: child for child in path.iterdir()}
    for name in BUNDLE_FILES:
        child = present.pop(name, None)
        if child is not None and child.is_file():
            bundle.files.append(
                JsonLinesFile(
                    name=str(child),
                    kind=name.removesuffix(".jsonl"),
                    size=child.stat().st_size,
                    opener=_file_opener(child),
                )
            )
    bundle.ignored = sorted(str(child) for child in present.values())
    return bundle


def _file_opener(path: Path) -> Callable[[], AbstractContextManager[IO[bytes]]]:
    return lambda: path.open("rb")


def _zip_bundle(path: Path) -> Bundle:
    try:
        archive = zipfile.ZipFile(path)
        entries = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError) as error:
        raise SourceError(f"{path}: cannot read zip: {error}") from None
    prefix = _bundle_prefix([info.filename for info in entries])
    bundle = Bundle(source=str(path))
    by_name = {info.filename: info for info in entries}
    for name in BUNDLE_FILES:
        info = by_name.pop(prefix + name, None)
        if info is not None:
            bundle.files.append(
                JsonLinesFile(
                    name=f"{path}!{info.filename}",
                    kind=name.removesuffix(".jsonl"),
                    size=info.file_size,
                    opener=_zip_opener(path, info.filename),
                )
            )
    bundle.ignored = sorted(f"{path}!{name}" for name in by_name)
    return bundle


def _bundle_prefix(names: list[str]) -> str:
    """'' when the bundle files sit at the zip's root, else the one folder that holds them."""
    if any(name in BUNDLE_FILES for name in names):
        return ""
    folders = {
        name.rsplit("/", 1)[0] + "/" for name in names if name.rsplit("/", 1)[-1] in BUNDLE_FILES
    }
    return folders.pop() if len(folders) == 1 else ""


def _zip_opener(path: Path, member: str) -> Callable[[], AbstractContextManager[IO[bytes]]]:
    @contextmanager
    def open_member() -> Iterator[IO[bytes]]:
        with zipfile.ZipFile(path) as archive, archive.open(member) as handle:
            yield handle

    return open_member
