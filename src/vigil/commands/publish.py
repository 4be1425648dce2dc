"""`vigil redact` and `vigil publish`: redacted texts, and reports released by two people.

`vigil redact IN.txt --out OUT.txt` replaces every identifier the store knows,
or a pattern finds, with a pseudonym; the key to the pseudonyms is written
only to --key, sealed (encrypted with the key in $VIGIL_PUBLISH_KEY, outside
the database).

`vigil publish draft|approve|release|list` works on reports of who knew what
about an entity or network. Each step is taken as a named user (`--as
EMAIL`) with the role the web page asks for, and is logged: drafting,
approving and releasing by auditors, supervisors and senior reviewers;
approval never by the author; release refused while any identifier the
store knows remains in the rendered HTML or PDF.

Exit codes: 0 done; 2 the command was used wrongly; 3 refused (role, state,
or an identifier remains); 4 the input could not be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from vigil.commands.database import open_store

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_UNREADABLE = 4

console = Console(stderr=True, soft_wrap=True)
publish_app = typer.Typer(
    help="Reports for publication: draft, approve (a second person), release, list.",
    no_args_is_help=True,
)
AsUser = Annotated[str, typer.Option("--as", help="Your email address: each step is yours.")]


def register(app: typer.Typer) -> None:
    """Adds `redact` and the `publish` group to the `vigil` app."""
    app.command("redact")(redact_command)
    app.add_typer(publish_app, name="publish")


def redact_command(
    path: Annotated[Path, typer.Argument(help="The text to redact (UTF-8).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the redacted text.")],
    key: Annotated[
        Path | None,
        typer.Option("--key", help="Where to write the sealed key from pseudonym to entity."),
    ] = None,
    model: Annotated[
        bool, typer.Option(help="Also use a statistical model if one is installed.")
    ] = True,
) -> None:
    """Redact a text: names, plates, phones, addresses, dates of birth and more.

    Uses every identifier in the store (current record versions, grouped by
    entity when linked) and the UK pattern recognisers. People become
    "Child A" or "Adult 1" consistently through the text; the key from
    pseudonym to entity is written only to --key, sealed, never into the output.
    """
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        console.print(f"[red]Error:[/red] {path}: {error}")
        raise typer.Exit(EXIT_UNREADABLE) from None
    open_store()
    # Imported here: vigil.cli imports this module to register it, before Django is set up.
    from vigil.core.publish import Redactor
    from vigil.core.publish.seal import load_or_create_seal_key, seal
    from vigil.web.publish.selectors import known_identifiers
    from vigil.web.publish.services import publish_seal_key_path

    entities = known_identifiers()
    redaction = Redactor(entities, ner=None if model else False).redact(text)
    out.write_text(redaction.text, "utf-8")
    if key is not None:
        key.write_bytes(seal(redaction.key, load_or_create_seal_key(publish_seal_key_path())))
    console.print(
        f"Redacted {len(redaction.spans):,} identifiers ({len(entities):,} entities known) "
        f"into {out}" + (f"; sealed key in {key}" if key else "")
    )


@publish_app.command("draft")
def draft_command(
    entity_ids: Annotated[
        list[str], typer.Argument(help="One entity id, or every entity id of a network.")
    ],
    title: Annotated[str, typer.Option(help="The report's title (redacted too).")],
    as_user: AsUser,
) -> None:
    """Draft a redacted report of who knew what, when, about an entity or network."""
    user = _user(as_user)
    from vigil.web.publish import services

    try:
        report = services.report_draft(user=user, entity_ids=entity_ids, title=title)
    except services.PublishDeniedError as error:
        _refuse(str(error))
    except services.PublishStateError as error:
        console.print(f"[red]Error:[/red] {error}")
        raise typer.Exit(EXIT_USAGE) from None
    console.print(
        f"Report {report.pk} drafted: {report.chronology_entries:,} entries, "
        f"{report.identifiers_redacted:,} identifiers replaced. A second person must approve it."
    )
    typer.echo(report.pk)


@publish_app.command("approve")
def approve_command(report_id: int, as_user: AsUser) -> None:
    """Approve a draft for release (never your own)."""
    user = _user(as_user)
    from vigil.web.publish import services

    try:
        services.report_approve(user=user, report_id=report_id)
    except (services.PublishDeniedError, services.PublishStateError) as error:
        _refuse(str(error))
    console.print(f"Report {report_id} approved for release.")


@publish_app.command("release")
def release_command(
    report_id: int,
    as_user: AsUser,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Also write the released PDF here (and the HTML beside it)."),
    ] = None,
) -> None:
    """Check an approved report for every identifier the store knows, and release it."""
    user = _user(as_user)
    from vigil.web.publish import services

    try:
        report = services.report_release(user=user, report_id=report_id)
    except (
        services.PublishDeniedError,
        services.PublishStateError,
        services.ReleaseRefusedError,
    ) as error:
        _refuse(str(error))
    console.print(f"Report {report_id} released; SHA-256 {report.sha256}.")
    if out is not None:
        out.write_bytes(services.report_download(user=user, report_id=report_id, form="pdf"))
        html = services.report_download(user=user, report_id=report_id, form="html")
        out.with_suffix(".html").write_bytes(html)
        console.print(f"Wrote {out} and {out.with_suffix('.html')}")


@publish_app.command("list")
def list_command() -> None:
    """List reports: id, status, when drafted, title (redacted)."""
    open_store()
    from vigil.web.publish.selectors import reports

    for report in reports():
        typer.echo(
            f"{report.pk}\t{report.status}\t{report.created_at:%Y-%m-%d}\t"
            f"{report.chronology_entries}\t{report.title}"
        )


def _user(email: str) -> AbstractBaseUser:
    open_store()
    from django.contrib.auth import get_user_model

    found = get_user_model().objects.filter(email__iexact=email.strip()).first()
    if found is None:
        console.print(f"[red]Error:[/red] no user with email {email}")
        raise typer.Exit(EXIT_USAGE)
    return found


def _refuse(why: str) -> NoReturn:
    console.print(f"[red]Refused:[/red] {why}")
    raise typer.Exit(EXIT_REFUSED)
