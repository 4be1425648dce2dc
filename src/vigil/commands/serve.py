"""`vigil serve`: the web application behind a production-grade WSGI server (waitress)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from vigil.commands.database import open_store

console = Console(stderr=True, soft_wrap=True)


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    threads: Annotated[int, typer.Option(help="Requests served at once.", min=1)] = 8,
) -> None:
    """Serve the web application until stopped (Ctrl+C)."""
    # Imported here: vigil.cli imports this module to register it.

    open_store()
    import waitress
    from django.core.wsgi import get_wsgi_application

    console.print(f"Vigil is at http://{host}:{port}/ (Ctrl+C stops it)")
    waitress.serve(get_wsgi_application(), host=host, port=port, threads=threads, ident="Vigil")


def register(app: typer.Typer) -> None:
    """Adds `vigil serve` to the `vigil` command."""
    app.command("serve")(serve_command)
