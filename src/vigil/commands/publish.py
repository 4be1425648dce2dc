"""`vigil redact`: a text with every identifier the store knows, or a pattern finds, replaced.

Exit codes: 0 written; 2 the command was used wrongly; 4 the input could not be read.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from vigil.commands.database import open_store

EXIT_UNREADABLE = 4

console = Console(stderr=True, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Adds the `redact` command to the `vigil` app."""
    app.command("redact")(redact_command)


def redact_command(
    path: Annotated[Path, typer.Argument(help="The text to redact (UTF-8).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the redacted text.")],
    key: Annotated[
        Path | None,
        typer.Option(
            "--key", help="Where to write the key from pseudonym to entity (keep it sealed)."
        ),
    ] = None,
    model: Annotated[
        bool, typer.Option(help="Also use a statistical model if one is installed.")
    ] = True,
) -> None:
    """Redact a text: names, plates, phones, addresses, dates of birth and more.

    Uses every identifier in the store (current record versions, grouped by
    entity when linked) and the UK pattern recognisers. People become
    "Child A" or "Adult 1" consistently through the text; the key from
    pseudonym to entity is written only to --key, never into the output.
    """
    # Imported here: vigil.cli imports this module to register it.

    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        console.print(f"[red]Error:[/red] {path}: {error}")
        raise typer.Exit(EXIT_UNREADABLE) from None
    open_store()
    from vigil.core.publish import Redactor
    from vigil.web.publish.selectors import known_identifiers

    entities = known_identifiers()
    redaction = Redactor(entities, ner=None if model else False).redact(text)
    out.write_text(redaction.text, "utf-8")
    if key is not None:
        key.write_text(json.dumps([asdict(entry) for entry in redaction.key], indent=2), "utf-8")
    console.print(
        f"Redacted {len(redaction.spans):,} identifiers ({len(entities):,} entities known) "
        f"into {out}" + (f"; key in {key}" if key else "")
    )
