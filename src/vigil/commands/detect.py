"""`vigil detect`, `vigil replay`, `vigil export alerts`, `vigil alerts escalate` and
`vigil report performance`: raising alerts, escalating them, printing them, and harm
against volume."""

from __future__ import annotations

import csv
import json
import sys
import time
from datetime import date
from enum import StrEnum
from typing import Annotated

import orjson
import typer
from rich import box
from rich.console import Console
from rich.table import Table

from vigil.commands.database import open_store
from vigil.commands.harm import register as register_harm
from vigil.commands.knowledge import report_app
from vigil.commands.linkage import ExportFormat, _as_of, export_app

console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)
alerts_app = typer.Typer(help="The alert lifecycle.", no_args_is_help=True)


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
    """Run every detection rule and write or update alerts (an alert found again is updated).

    A closed or actioned alert whose rule fires on new records is reopened, and
    says why. Then every alert left unowned past its SLA is escalated to a
    supervisor (as `vigil alerts escalate` does).
    """

    open_store()
    from vigil.web.alerts import services

    run = services.alerts_detect(as_of=_as_of(as_of))
    console.print(
        f"Detection as of {run.as_of:%Y-%m-%d}: {run.alerts:,} alerts "
        f"({run.created:,} new, {run.updated:,} updated)."
    )
    escalation = services.alerts_escalate(now=run.as_of)
    if escalation.escalated:
        console.print(
            f"{len(escalation.escalated):,} alerts unowned past their SLA "
            "escalated to a supervisor."
        )


@alerts_app.command("escalate")
def escalate_command(
    as_of: Annotated[
        str | None,
        typer.Option(help="Measure SLAs to this date (YYYY-MM-DD) instead of now."),
    ] = None,
) -> None:
    """Escalate to a supervisor every alert left open with no owner past its SLA."""

    open_store()
    from vigil.web.alerts import services

    run = services.alerts_escalate(now=_as_of(as_of))
    console.print(
        f"As of {run.now:%Y-%m-%d}: {len(run.escalated):,} alerts escalated to a supervisor."
    )
    for alert_id in run.escalated:
        out.print(alert_id)


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
    ] = 24,
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


@report_app.command("performance")
def performance_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print as CSV.")] = False,
    as_of: Annotated[
        str | None,
        typer.Option(help="Only what was recorded or done on or before this date (YYYY-MM-DD)."),
    ] = None,
) -> None:
    """Harm versus volume, by year and offence group: crimes, harm, and the share actioned.

    For each year and offence group: how many crimes were recorded, their harm
    in days of imprisonment, and the share of each that drew a qualifying action.
    A volume target counts every crime the same; the harm columns show where
    the serious harm went unanswered. Figures marked * use indicative weights.
    """
    if as_json and as_csv:
        console.print("[red]Error:[/red] choose --json or --csv, not both")
        raise typer.Exit(2)
    open_store()
    from vigil.web.alerts.selectors import performance_by_year

    data = performance_by_year(as_of=_as_of(as_of))
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    fields = (
        "year", "group", "records", "actioned", "volume_share",
        "harm", "harm_actioned", "harm_share", "indicative",
    )  # fmt: skip
    if as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(data["rows"])
        return
    table = Table(
        title="Harm versus volume: records, their harm in days, and the share of each actioned",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    for column in ("year", "offence group", "records", "acted", "%", "harm", "acted", "%"):
        table.add_column(
            column, justify="left" if column == "offence group" else "right", no_wrap=True
        )
    for year in data["years"]:
        for row in (r for r in data["rows"] if r["year"] == year["year"]):
            table.add_row(
                str(row["year"]),
                row["group"] + (" *" if row["indicative"] else ""),
                f"{row['records']:,}",
                f"{row['actioned']:,}",
                _share(row["volume_share"]),
                f"{row['harm']:,.0f}",
                f"{row['harm_actioned']:,.0f}",
                _share(row["harm_share"]),
            )
        table.add_row(
            f"[bold]{year['year']}[/bold]",
            "[bold]all[/bold]",
            f"{year['records']:,}",
            f"{year['actioned']:,}",
            _share(year["volume_share"]),
            f"{year['harm']:,.0f}",
            f"{year['harm_actioned']:,.0f}",
            _share(year["harm_share"]),
            end_section=True,
        )
    out.print(table)
    if data["indicative"]:
        out.print("* indicative harm weights (group medians): see `vigil harm show`.")
    out.print(f"Qualifying actions: {', '.join(data['qualifying']).replace('_', ' ')}.")


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def register(app: typer.Typer) -> None:
    """Adds `vigil detect`, `vigil replay`, `vigil export alerts`, `vigil alerts` and
    `vigil harm` to `vigil`.

    `vigil report performance` is added to the report group when this module is imported.
    """
    app.command("detect")(detect_command)
    app.command("replay")(replay_command)
    export_app.command("alerts")(export_alerts_command)
    app.add_typer(alerts_app, name="alerts")
    register_harm(app)
