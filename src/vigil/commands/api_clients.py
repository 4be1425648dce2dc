"""`vigil api-clients`: keys for agency systems that push records and read alerts.

Exit codes: 0 done; 2 the command was used wrongly (unknown role, no such client).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from vigil.commands.database import open_store

console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)

api_app = typer.Typer(help="Manage agency systems' API keys.", no_args_is_help=True)


@api_app.command("create")
def create_command(
    name: Annotated[str, typer.Option(help="The system, e.g. 'Police records system'.")],
    agency: Annotated[str, typer.Option(help="Its agency's code; it may push only that agency's.")],
    role: Annotated[str, typer.Option(help="Its service user's role (need-to-know).")] = (
        "practitioner"
    ),
) -> None:
    """Make a key. It is printed once and never stored: keep it in the system's secrets."""
    open_store()
    from vigil.web.api import services

    try:
        client, key = services.api_client_create(name=name, agency=agency, role=role)
    except ValueError as error:
        console.print(f"[red]Error:[/red] {error}")
        raise typer.Exit(2) from None
    out.print(f"Made API client {client.pk} ({client.name}, {agency}, {role}).")
    out.print(f"Key (shown once): {key}")


@api_app.command("list")
def list_command() -> None:
    """Every client, its key's first characters, and whether it still works."""
    open_store()
    from vigil.web.api.models import ApiClient

    table = Table("id", "name", "agency", "key starts", "created", "last used", "revoked")
    for client in ApiClient.objects.select_related("user__profile__agency").order_by("pk"):
        table.add_row(
            str(client.pk),
            client.name,
            client.user.profile.agency.code,
            client.key_prefix,
            client.created_at.strftime("%Y-%m-%d %H:%M"),
            client.last_used_at.strftime("%Y-%m-%d %H:%M") if client.last_used_at else "never",
            client.revoked_at.strftime("%Y-%m-%d %H:%M") if client.revoked_at else "",
        )
    out.print(table)


@api_app.command("revoke")
def revoke_command(client_id: Annotated[int, typer.Argument(help="The client's id.")]) -> None:
    """Stop a client's key working, for good."""
    open_store()
    from vigil.web.api import services
    from vigil.web.api.models import ApiClient

    try:
        client = services.api_client_revoke(client_id=client_id)
    except ApiClient.DoesNotExist:
        console.print(f"[red]Error:[/red] no API client {client_id}")
        raise typer.Exit(2) from None
    out.print(f"Revoked API client {client.pk} ({client.name}).")


def register(app: typer.Typer) -> None:
    """Adds `vigil api-clients` to the `vigil` command."""
    app.add_typer(api_app, name="api-clients")
