"""`vigil report knowledge`: who knew what about an entity or network, and when.

Exit codes: 0 written; 2 the command was used wrongly (no such entity, bad format).
"""

from __future__ import annotations

import json
import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from vigil.commands.database import open_store
from vigil.core.audit import Actor, AuditEntryError

EXIT_USAGE = 2

console = Console(stderr=True, soft_wrap=True)
report_app = typer.Typer(help="Reports for inquiries and reviews.", no_args_is_help=True)


class Format(StrEnum):
    HTML = "html"
    JSON = "json"
    CSV = "csv"


def register(app: typer.Typer) -> None:
    """Adds the `report` group, with `report knowledge`, to the `vigil` app."""
    app.add_typer(report_app, name="report")


@report_app.command("knowledge")
def knowledge_command(
    entity_ids: Annotated[
        list[str], typer.Argument(help="One entity id, or every entity id of a network.")
    ],
    output_format: Annotated[Format, typer.Option("--format", help="What to write.")] = (
        Format.HTML
    ),
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file instead of the screen.")
    ] = None,
    qualifying: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated action kinds that count as acting "
            "(default: investigation, arrest, charge, conviction, disruption notice, "
            "safeguarding plan, strategy meeting)."
        ),
    ] = None,
) -> None:
    """Who knew what, when: a chronology of knowledge and its summary.

    Every record that mentioned the entities (author, agency, date), every
    meeting where they were discussed, every sharing, every read (historical
    access lines and views in Vigil), every decision and action; then when
    each agency first knew, how many professionals knew, decisions of no
    further action, the first qualifying action and the gap to it. The report
    is logged in the audit log as a consultation of the entities.
    """
    open_store()
    from vigil.core.audit import Event
    from vigil.core.knowledge import (
        QUALIFYING_ACTIONS,
        report_as_csv,
        report_as_dict,
        report_as_html,
    )
    from vigil.web.knowledge.selectors import known_entity_ids
    from vigil.web.knowledge.services import knowledge_report_build

    known = known_entity_ids(entity_ids=entity_ids)
    unknown = [entity_id for entity_id in entity_ids if entity_id not in known]
    if not known:
        console.print(f"[red]Error:[/red] no such entity: {', '.join(unknown)} (run vigil link?)")
        raise typer.Exit(EXIT_USAGE)
    if unknown:
        console.print(f"[yellow]Not known, left out:[/yellow] {', '.join(unknown)}")
    kinds = (
        QUALIFYING_ACTIONS
        if qualifying is None
        else frozenset(kind.strip() for kind in qualifying.split(",") if kind.strip())
    )
    report = knowledge_report_build(
        entity_ids=[entity_id for entity_id in entity_ids if entity_id in known],
        actor=_actor(),
        event=Event.EXPORT if out is not None else Event.VIEW,
        qualifying=kinds,
    )
    if output_format is Format.JSON:
        text = json.dumps(report_as_dict(report.summary, report.chronology), indent=2) + "\n"
    elif output_format is Format.CSV:
        text = report_as_csv(report.chronology)
    else:
        text = report_as_html(report.summary, report.chronology)
    if out is None:
        typer.echo(text, nl=False)
        return
    out.write_text(text, "utf-8")
    console.print(f"Wrote {len(report.chronology):,} events about {len(known):,} entities to {out}")


def _actor() -> Actor:
    """Vigil's report component, acting for whoever ran the command when that is an id."""
    try:
        return Actor.system("report", on_behalf_of=os.environ.get("USER", ""))
    except AuditEntryError:
        return Actor.system("report")
