"""The `vigil` command.

Exit codes:
    0  done, every line taken in
    1  done, but some lines were rejected (listed at the end and stored)
    2  the command was used wrongly (unknown option, missing argument)
    3  --strict and some line was bad: nothing was taken in
    4  the input could not be read at all (missing path, broken zip, bad mapping)
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from vigil.commands.api_clients import register as register_api_clients
from vigil.commands.audit import register as register_audit
from vigil.commands.complaints import register as register_complaints
from vigil.commands.database import open_store
from vigil.commands.demo import demo_finish
from vigil.commands.detect import register as register_detect
from vigil.commands.knowledge import register as register_knowledge
from vigil.commands.linkage import register as register_linkage
from vigil.commands.publish import register as register_publish
from vigil.commands.serve import register as register_serve
from vigil.commands.users import register as register_users
from vigil.core.ingest.pipeline import IngestReport
from vigil.core.ingest.source import SourceError

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_REFUSED, EXIT_UNREADABLE = 0, 1, 2, 3, 4

app = typer.Typer(
    help="Vigil: safeguarding intelligence across agencies.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)


@contextmanager
def _byte_progress(
    label: str, quiet: bool
) -> Iterator[tuple[Callable[[int], None], Callable[[int], None]]]:
    """A progress bar over bytes read: yields (set_total, advance)."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=quiet,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)
        yield (lambda total: bar.update(task, total=total)), (lambda n: bar.advance(task, n))


@app.command("migrate")
def migrate_command() -> None:
    """Create or update the database schema (every command does this itself)."""
    open_store()
    console.print("Database is up to date.")


@app.command("ingest")
def ingest_command(
    path: Annotated[Path, typer.Argument(help="A bundle folder, a .zip of one, or a .csv export.")],
    mapping: Annotated[
        Path | None, typer.Option(help="For a CSV export: the YAML file mapping its columns.")
    ] = None,
    strict: Annotated[
        bool, typer.Option(help="All or nothing: if any line is bad, take in none.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Take in a bundle (folder or .zip) or a CSV export with its mapping.

    Bad lines are rejected with their file, line and reason, and listed at the
    end; the good lines go in. Loading the same input twice changes nothing; an
    interrupted load is completed by running the same command again.
    """
    open_store()
    from vigil.web.records import services

    started = time.monotonic()
    try:
        with _byte_progress(f"Ingesting {path.name}", quiet or as_json) as (set_total, advance):
            if path.suffix.lower() == ".csv" or mapping is not None:
                if mapping is None:
                    raise SourceError(f"{path}: a CSV export needs --mapping MAP.yaml")
                from vigil.core.ingest.csv_export import open_csv_export

                export = open_csv_export(path, mapping)
                set_total(export.size)
                report = services.export_ingest(
                    file=export, source=str(path), strict=strict, progress=advance
                )
            else:
                report = services.bundle_ingest(
                    path=path, strict=strict, progress=advance, on_open=set_total
                )
    except SourceError as error:
        console.print(f"[red]Error:[/red] {error}")
        raise typer.Exit(EXIT_UNREADABLE) from None
    _print_report(report, time.monotonic() - started, as_json)
    if report.status == "refused":
        raise typer.Exit(EXIT_REFUSED)
    if report.rejected:
        raise typer.Exit(EXIT_REJECTED)


def _print_report(report: IngestReport, seconds: float, as_json: bool) -> None:
    if as_json:
        out.print_json(
            json.dumps(
                {
                    "run_id": report.run_id,
                    "source": report.source,
                    "status": report.status,
                    "seconds": round(seconds, 3),
                    "counts": {kind: c.as_dict() for kind, c in report.counts.items()},
                    "rejected": report.rejected,
                    "rejections": [
                        {"file": r.file, "line": r.line, "reason": r.reason}
                        for r in report.rejections_shown
                    ],
                    "ignored": report.ignored,
                }
            )
        )
        return
    table = Table(title=f"Ingest run {report.run_id}: {report.status}", title_justify="left")
    for column in ("file", "read", "new", "new versions", "unchanged", "rejected", "lines/s"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for kind, c in report.counts.items():
        counts = (c.read, c.new, c.new_versions, c.unchanged, c.rejected)
        rate = f"{c.read / c.seconds:,.0f}" if c.seconds else ""
        table.add_row(kind, *(f"{n:,}" for n in counts), rate)
    out.print(table)
    lines = sum(c.read for c in report.counts.values())
    out.print(f"{lines:,} lines in {seconds:.1f} s ({lines / max(seconds, 1e-9):,.0f} lines/s)")
    for name in report.ignored:
        out.print(f"[yellow]Ignored[/yellow] {name} (not a bundle file)")
    if report.rejected:
        _print_rejections(report)
    if report.status == "refused":
        out.print("[red]--strict: nothing was taken in.[/red]")


def _print_rejections(report: IngestReport) -> None:
    table = Table(title=f"{report.rejected:,} rejected lines", title_justify="left")
    table.add_column("file")
    table.add_column("line", justify="right")
    table.add_column("reason")
    for rejection in report.rejections_shown:
        table.add_row(rejection.file, str(rejection.line), rejection.reason)
    out.print(table)
    if report.rejected > len(report.rejections_shown):
        out.print(f"All {report.rejected:,} are listed by: vigil rejects {report.run_id}")


@app.command("rejects")
def rejects_command(
    run_id: Annotated[int, typer.Argument(help="The ingest run's number.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
) -> None:
    """List every line an ingest run rejected, with its file, line and reason."""
    open_store()
    from vigil.web.records import selectors

    for rejection in selectors.rejected_lines(run_id=run_id):
        if as_json:
            out.print_json(json.dumps(rejection))
        else:
            out.print(f"{rejection['file']}:{rejection['line']}: {rejection['reason']}")


@app.command("runs")
def runs_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List ingest runs: when, what, how they ended."""
    open_store()
    from vigil.web.records import selectors

    runs = selectors.ingest_runs()
    if as_json:
        out.print_json(json.dumps(runs, default=str))
        return
    table = Table(title="Ingest runs", title_justify="left")
    for column in ("run", "started", "status", "source", "rejected"):
        table.add_column(column)
    for run in runs:
        table.add_row(
            str(run["id"]),
            str(run["started_at"])[:19],
            run["status"],
            run["source"],
            f"{run['rejected']:,}",
        )
    out.print(table)


@app.command("summary")
def summary_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """What the store holds: agencies, staff, records, mentions, actions, access lines."""
    open_store()
    from vigil.web.records import selectors

    _print_summary(selectors.store_summary(), as_json)


def _print_summary(summary: dict[str, Any], as_json: bool) -> None:
    if as_json:
        out.print_json(json.dumps(summary))
        return
    table = Table(title="What Vigil holds", title_justify="left")
    table.add_column("")
    table.add_column("count", justify="right")
    for key, value in summary["totals"].items():
        table.add_row(key.replace("_", " "), f"{value:,}")
    out.print(table)
    by_agency = Table(title="Records by agency", title_justify="left")
    by_agency.add_column("agency")
    by_agency.add_column("records", justify="right")
    for agency, count in summary["records_by_agency"].items():
        by_agency.add_row(agency, f"{count:,}")
    out.print(by_agency)


@app.command("scenario")
def scenario_command(
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder to write bundle/ and truth.json into.")
    ],
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same town.")] = 1,
    scale: Annotated[
        float, typer.Option(help="1 is about 3,000 records; it grows linearly.", min=0.01)
    ] = 1.0,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Write a synthetic town: a bundle of 2000-2016 records and the truth behind it."""
    summary = _generate(out_dir, seed, scale, quiet)
    out.print(
        f"Wrote {summary.records:,} records, {summary.actions:,} actions and "
        f"{summary.access:,} access lines to {out_dir / 'bundle'}; "
        f"truth in {out_dir / 'truth.json'}"
    )


def _generate(out_dir: Path, seed: int, scale: float, quiet: bool) -> Any:
    from vigil.core.scenario import generate

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=True,
    ) as bar:
        task = bar.add_task("Generating town", total=int(3000 * scale))
        return generate(out_dir, seed=seed, scale=scale, progress=lambda n: bar.advance(task, n))


@app.command("demo")
def demo_command(
    seed: Annotated[int, typer.Option(help="Random seed of the demo town.")] = 1,
    scale: Annotated[float, typer.Option(help="Size of the demo town.", min=0.01)] = 1.0,
    serve: Annotated[
        bool, typer.Option(help="Then serve the web application on the demo data.")
    ] = False,
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.", min=1, max=65535)] = 8000,
) -> None:
    """Generate the demo town, load it, link and detect, make the demo users, and serve."""
    from django.conf import settings

    open_store()
    target = Path(settings.VIGIL_HOME) / "demo"
    town = _generate(target, seed, scale, quiet=False)
    out.print(
        f"Demo town (seed {seed}, scale {scale:g}): {town.records:,} records from 2000 to 2016, "
        f"{town.networks} planted exploitation networks, {town.decoys} decoys."
    )
    from vigil.web.records import selectors, services

    started = time.monotonic()
    with _byte_progress("Ingesting demo bundle", False) as (set_total, advance):
        report = services.bundle_ingest(path=target / "bundle", progress=advance, on_open=set_total)
    _print_report(report, time.monotonic() - started, as_json=False)
    _print_summary(selectors.store_summary(), as_json=False)
    out.print(f"Demo town written to {target}; database under {settings.VIGIL_HOME}.")
    if report.rejected:
        raise typer.Exit(EXIT_REJECTED)
    demo_finish(serve=serve, host=host, port=port)


register_audit(app)
register_api_clients(app)
register_serve(app)
register_users(app)
register_linkage(app)
register_publish(app)
register_detect(app)
register_knowledge(app)
register_complaints(app)


def main() -> None:
    """Entry point of the `vigil` script."""
    app()
