"""`vigil users create`: accounts are made here, never by signing up."""

from __future__ import annotations

import getpass
import os
from typing import Annotated

import typer
from rich.console import Console

from vigil.commands.database import open_store

console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)

users_app = typer.Typer(help="Manage who can sign in.", no_args_is_help=True)


@users_app.command("create")
def create_command(
    email: Annotated[str, typer.Option(help="Their work email address; they sign in with it.")],
    agency: Annotated[str, typer.Option(help="Their agency's code, e.g. police.")],
    role: Annotated[
        str, typer.Option(help="analyst, practitioner, supervisor or auditor.")
    ] = "analyst",
    name: Annotated[str, typer.Option(help="Their full name.")] = "",
    team: Annotated[
        list[str] | None, typer.Option(help="A team in their agency (repeat for several).")
    ] = None,
    with_totp: Annotated[
        bool,
        typer.Option(
            "--with-totp",
            help="Also set up their authenticator app and print its secret and recovery codes.",
        ),
    ] = False,
) -> None:
    """Make a user. The password is read from VIGIL_PASSWORD, or asked for."""
    password = os.environ.get("VIGIL_PASSWORD") or getpass.getpass("Password: ")
    # Imported here: vigil.cli imports this module to register it.

    open_store()
    from django.core.exceptions import ValidationError

    from vigil.web.accounts import services

    try:
        created = services.user_create(
            email=email,
            password=password,
            agency=agency,
            role=role,
            teams=tuple(team or ()),
            name=name,
            with_totp=with_totp,
        )
    except (ValueError, ValidationError) as error:
        message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        console.print(f"[red]Error:[/red] {message}")
        raise typer.Exit(2) from None
    out.print(f"Made {created.user.email} ({role}, {agency}).")
    if created.totp_secret:
        out.print(f"Authenticator secret: {created.totp_secret}")
        out.print(f"Recovery codes: {' '.join(created.recovery_codes)}")
    else:
        out.print("They will set up an authenticator app when they first sign in.")


def register(app: typer.Typer) -> None:
    """Adds `vigil users` to the `vigil` command."""
    app.add_typer(users_app, name="users")
