"""`vigil harm load FILE.xlsx` and `vigil harm show`: the harm weights detection reads.

Exit codes: 0 done; 2 used wrongly (no such file); 4 the spreadsheet could not
be loaded (every bad row is listed; nothing was loaded).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from vigil.core.detect.harm import (
    HarmLoadError,
    harm_in_force,
    loaded_harm_path,
    read_cchi_workbook,
    save_loaded_harm,
)

EXIT_USAGE, EXIT_UNREADABLE = 2, 4

console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)
harm_app = typer.Typer(help="Harm weights by Home Office offence code.", no_args_is_help=True)


def _home() -> Path:
    from django.conf import settings

    from vigil.commands.database import open_store

    open_store()
    return Path(settings.VIGIL_HOME)


@harm_app.command("load")
def load_command(
    path: Annotated[Path, typer.Argument(help="The Cambridge Crime Harm Index .xlsx file.")],
) -> None:
    """Load the Cambridge Crime Harm Index spreadsheet: its score for each Home Office code.

    Columns are found by their headers (HOME_OFFICE_CLASSIFICATION or a code
    column, CCHI or a score column, and an offence description if present). If
    any row is bad, every bad row is listed by number and nothing is loaded.
    Loaded scores replace the packaged, indicative figures code by code.
    """
    if not path.is_file():
        console.print(f"[red]Error:[/red] no such file: {path}")
        raise typer.Exit(EXIT_USAGE)
    try:
        table = read_cchi_workbook(path)
    except HarmLoadError as error:
        console.print(f"[red]Not loaded:[/red] {len(error.problems)} problem(s) in {path.name}")
        for problem in error.problems:
            console.print(f"  {problem}")
        raise typer.Exit(EXIT_UNREADABLE) from None
    target = save_loaded_harm(table, _home())
    console.print(
        f"Loaded {len(table.weights):,} offence codes from {table.rows_read:,} rows of sheet "
        f"{table.sheet!r} into {target}."
    )


@harm_app.command("show")
def show_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List the harm weights in force: days, offence group, source, and whether indicative."""
    home = _home()
    index = harm_in_force(home)
    rows = sorted(index.weights.values(), key=lambda w: (w.group, w.code))
    if as_json:
        out.print_json(
            json.dumps(
                {
                    "loaded_file": str(loaded_harm_path(home))
                    if loaded_harm_path(home).exists()
                    else None,
                    "weights": [
                        {
                            "code": w.code,
                            "label": w.label,
                            "days": w.days,
                            "group": w.group,
                            "indicative": w.indicative,
                            "basis": w.basis,
                            "source": w.source,
                        }
                        for w in rows
                    ],
                    "sources": index.sources,
                }
            )
        )
        return
    table = Table(title="Harm weights in force (days of imprisonment)", title_justify="left")
    for column in ("code", "offence", "group", "days", "indicative", "source"):
        table.add_column(column, justify="right" if column == "days" else "left")
    for w in rows:
        table.add_row(
            w.code, w.label, w.group, f"{w.days:,g}", "yes" if w.indicative else "", w.source
        )
    out.print(table)
    for key, text in index.sources.items():
        out.print(f"[bold]{key}[/bold]: {text}")


def register(app: typer.Typer) -> None:
    """Adds the `harm` group to the `vigil` app."""
    app.add_typer(harm_app, name="harm")
