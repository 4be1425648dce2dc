"""`vigil detect`, `vigil replay` and `vigil export alerts`: raising alerts, and printing them."""

from __future__ import annotations

import sys
import time
from datetime import date
from enum import StrEnum
from typing import Annotated

import orjson
import typer
from rich.console import Console

from vigil.commands.database import open_store
from vigil.commands.linkage import ExportFormat, _as_of, export_app

console = Console(stderr=True, soft_wrap=True)


class Every(StrEnum):
    """How far apart replay steps are."""

    MONTH = "month"
    WEEK = "week"


def detect_command(
    as_of: Annotated[
        str | None,
        typer.Option(
            help="Detect from only what was recorded on or before this date (YYYY-MM-DD)."
        ),
    ] = None,
) -> None:
    """Run every detection rule and write or update alerts (an alert found again is updated)."""

    open_store()
    from vigil.web.alerts import services

    run = services.alerts_detect(as_of=_as_of(as_of))
    console.print(
        f"Detection as of {run.as_of:%Y-%m-%d}: {run.alerts:,} alerts "
        f"({run.created:,} new, {run.updated:,} updated)."
    )


def replay_command(
    start: Annotated[str, typer.Option(help="First day of the replay (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option(help="Last day of the replay (YYYY-MM-DD).")],
    every: Annotated[Every, typer.Option(help="Step length.")] = Every.MONTH,
    relink_every: Annotated[
        int,
        typer.Option(
            min=1,
            help="Re-link everything known in full every this many steps (and at the last); "
            "in between only new mentions are linked. 1: link in full at every step.",
        ),
    ] = 12,
) -> None:
    """Link and detect as of each step from only what was recorded by then.

    An alert's raised_at is the first step at which it fired; alerts firing at
    the last step are written or updated.
    """

    open_store()
    from vigil.web.alerts import services

    started = time.monotonic()
    run = services.alerts_replay(
        start=date.fromisoformat(start),
        end=date.fromisoformat(end),
        every=every.value,
        relink_every=relink_every,
    )
    console.print(
        f"Replayed {run.steps:,} steps ({run.full_links:,} full links) in "
        f"{time.monotonic() - started:.1f} s (read {run.read_seconds:.1f} s, "
        f"linkage {run.link_seconds:.1f} s, detection {run.detect_seconds:.1f} s): "
        f"{run.alerts:,} alerts at the last step ({run.created:,} new, {run.updated:,} updated, "
        f"{run.withdrawn:,} fired earlier but not at the last step)."
    )
    if run.corrected_records:
        console.print(
            f"{run.corrected_records:,} corrected records were read in their version "
            "known at the end of the replay."
        )


def export_alerts_command(
    export_format: Annotated[
        ExportFormat, typer.Option("--format", help="Output format.")
    ] = ExportFormat.JSONL,
) -> None:
    """Print every alert, one JSON object a line, highest priority first."""

    open_store()
    from vigil.web.alerts import selectors

    write = sys.stdout.buffer.write
    for line in selectors.alert_lines():
        write(orjson.dumps(line) + b"\n")
    sys.stdout.buffer.flush()


def register(app: typer.Typer) -> None:
    """Adds `vigil detect`, `vigil replay` and `vigil export alerts` to the `vigil` command."""
    app.command("detect")(detect_command)
    app.command("replay")(replay_command)
    export_app.command("alerts")(export_alerts_command)
