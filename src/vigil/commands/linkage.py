"""`vigil link` and `vigil export entities`: resolving mentions to entities, and printing them."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import orjson
import typer
from rich.console import Console

from vigil.commands.database import open_store

console = Console(stderr=True, soft_wrap=True)
export_app = typer.Typer(help="Print what Vigil holds, for evaluation or other tools.")


class Engine(StrEnum):
    """Where the person model runs."""

    DUCKDB = "duckdb"


class ExportFormat(StrEnum):
    """How exported lines are written."""

    JSONL = "jsonl"


def _as_of(text: str | None) -> datetime | None:
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    if len(text) == 10:  # a date: everything recorded during that day
        moment = moment.replace(hour=23, minute=59, second=59, microsecond=999999)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def link_command(
    as_of: Annotated[
        str | None,
        typer.Option(help="Link only records recorded on or before this date (YYYY-MM-DD)."),
    ] = None,
    engine: Annotated[Engine, typer.Option(help="Where the person model runs.")] = Engine.DUCKDB,
    threshold: Annotated[
        float, typer.Option(help="Match probability at which two person mentions are joined.")
    ] = 0.9,
) -> None:
    """Resolve every mention to the person, vehicle, phone, address or organisation it names.

    Entities keep their ids where their membership persists.
    """

    open_store()
    from vigil.core.linkage import PersonModelOptions
    from vigil.web.entities import services

    started = time.monotonic()
    run = services.entities_link(
        as_of=_as_of(as_of), options=PersonModelOptions(threshold=threshold)
    )
    console.print(
        f"Linked {run.counts['mentions']:,} mentions into {run.counts['entities']:,} entities "
        f"on {engine.value} (people by {run.person_method}) in {time.monotonic() - started:.1f} s."
    )


def export_entities_command(
    export_format: Annotated[
        ExportFormat, typer.Option("--format", help="Output format.")
    ] = ExportFormat.JSONL,
) -> None:
    """Print every entity with its mentions, one JSON object a line.

    Links first when records have arrived since the last `vigil link`, so
    every mention of every ingested record is in exactly one entity.
    """

    open_store()
    from vigil.web.entities import selectors, services

    if selectors.entities_stale():
        console.print("Records changed since the last link: linking first.")
        services.entities_link()
    write = sys.stdout.buffer.write
    for line in selectors.entity_lines():
        write(orjson.dumps(line) + b"\n")
    sys.stdout.buffer.flush()


def register(app: typer.Typer) -> None:
    """Adds `vigil link` and `vigil export entities` to the `vigil` command."""
    app.command("link")(link_command)
    export_app.command("entities")(export_entities_command)
    app.add_typer(export_app, name="export")
