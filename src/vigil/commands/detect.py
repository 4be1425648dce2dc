"""`vigil detect` and `vigil export alerts`: raising alerts, and printing them."""

from __future__ import annotations

import sys
from typing import Annotated

import orjson
import typer
from rich.console import Console

from vigil.commands.database import open_store
from vigil.commands.linkage import ExportFormat, _as_of, export_app

console = Console(stderr=True, soft_wrap=True)


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
    """Adds `vigil detect` and `vigil export alerts` to the `vigil` command."""
    app.command("detect")(detect_command)
    export_app.command("alerts")(export_alerts_command)
