"""`vigil audit`: verify the log, sign heads, give auditors proofs, check proofs offline.

Exit codes: 0 the log (or proof) is intact; 1 it is not, and the first bad
entry is named; 2 the command was used wrongly; 4 a file could not be read.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from vigil.commands.database import open_store

EXIT_OK, EXIT_BAD, EXIT_USAGE, EXIT_UNREADABLE = 0, 1, 2, 4

audit_app = typer.Typer(
    help="The tamper-evident audit log: verify, checkpoint, prove.",
    no_args_is_help=True,
)
console = Console(stderr=True, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Adds the `audit` command group to the `vigil` app."""
    app.add_typer(audit_app, name="audit")


def _setup() -> None:
    # Imported here: vigil.cli imports this module to register it.

    open_store()


def _print_json(document: Any) -> None:
    typer.echo(json.dumps(document, indent=2))


def _read_public_key(path: Path) -> Any:
    from vigil.core.audit import AuditKeyError, load_public_key

    try:
        return load_public_key(path.read_bytes())
    except (OSError, AuditKeyError) as error:
        console.print(f"[red]Error:[/red] {path}: {error}")
        raise typer.Exit(EXIT_UNREADABLE) from None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError) as error:
        console.print(f"[red]Error:[/red] {path}: {error}")
        raise typer.Exit(EXIT_UNREADABLE) from None


@audit_app.command("verify")
def verify_command(
    public_key: Annotated[
        Path | None,
        typer.Option(help="Check head signatures with this PEM key, not the local audit key."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Check every entry and every signed head; name the first bad entry if any."""
    _setup()
    from vigil.web.audit.services import audit_verify

    key = _read_public_key(public_key) if public_key else None
    started = time.monotonic()
    result = audit_verify(public_key=key)
    seconds = time.monotonic() - started
    problem = result.problem
    if as_json:
        _print_json(
            {
                "ok": result.ok,
                "entries": result.entries,
                "heads": result.heads,
                "root": result.root,
                "seconds": round(seconds, 3),
                "problem": None
                if problem is None
                else {"kind": problem.kind, "sequence": problem.sequence, "detail": problem.detail},
            }
        )
    elif problem is None:
        rate = result.entries / max(seconds, 1e-9)
        typer.echo(
            f"Intact: {result.entries:,} entries and {result.heads} signed heads verified "
            f"in {seconds:.1f} s ({rate:,.0f} entries/s); root {result.root}"
        )
    else:
        where = "" if problem.sequence is None else f" at entry {problem.sequence}"
        typer.echo(f"TAMPERED{where} ({problem.kind}): {problem.detail}")
    if problem is not None:
        raise typer.Exit(EXIT_BAD)


@audit_app.command("checkpoint")
def checkpoint_command() -> None:
    """Verify the log, then sign and store a tree head over every entry so far."""
    _setup()
    from vigil.web.audit.services import AuditIntegrityError, audit_checkpoint

    try:
        head = audit_checkpoint()
    except AuditIntegrityError as error:
        console.print(f"[red]Not signed: the log does not verify:[/red] {error}")
        raise typer.Exit(EXIT_BAD) from None
    _print_json(head.as_dict())


@audit_app.command("head")
def head_command(
    tree_size: Annotated[
        int | None, typer.Option(help="The head for this many entries (default: the latest).")
    ] = None,
) -> None:
    """Print a signed tree head as JSON, for an auditor to keep."""
    _setup()
    from vigil.web.audit import selectors

    head = selectors.signed_head(tree_size=tree_size)
    if head is None:
        console.print("No such signed head: run `vigil audit checkpoint` first.")
        raise typer.Exit(EXIT_USAGE)
    _print_json(head.as_dict())


@audit_app.command("prove")
def prove_command(
    entry: Annotated[
        int | None, typer.Option(help="Prove this entry (by sequence number) is in the log.")
    ] = None,
    tree_size: Annotated[
        int | None,
        typer.Option(help="Under the signed head for this many entries (default: the latest)."),
    ] = None,
    from_size: Annotated[
        int | None,
        typer.Option("--from", help="Prove the signed head for this many entries ..."),
    ] = None,
    to_size: Annotated[
        int | None,
        typer.Option("--to", help="... is a prefix of this later signed head (default: latest)."),
    ] = None,
) -> None:
    """Print an inclusion proof (--entry) or a consistency proof (--from, --to) as JSON."""
    if (entry is None) == (from_size is None):
        console.print("Give either --entry N or --from M [--to N].")
        raise typer.Exit(EXIT_USAGE)
    _setup()
    from vigil.core.audit import consistency_proof, inclusion_proof
    from vigil.web.audit import selectors

    if entry is not None:
        head = selectors.signed_head(tree_size=tree_size)
        data = selectors.entry_bytes(sequence=entry)
        if head is None or data is None or entry >= head.tree_size:
            console.print(
                f"No signed head covers entry {entry}: run `vigil audit checkpoint` first."
            )
            raise typer.Exit(EXIT_USAGE)
        _print_json(
            inclusion_proof(entry=data, index=entry, head=head, range_root=selectors.range_root)
        )
        return
    old = selectors.signed_head(tree_size=from_size)
    new = selectors.signed_head(tree_size=to_size)
    if old is None or new is None or old.tree_size > new.tree_size:
        console.print("Both sizes must be those of signed heads (see `vigil audit head`).")
        raise typer.Exit(EXIT_USAGE)
    _print_json(consistency_proof(old=old, new=new, range_root=selectors.range_root))


@audit_app.command("public-key")
def public_key_command() -> None:
    """Print the audit public key (PEM) for auditors, with its key id on stderr."""
    _setup()
    from vigil.core.audit import key_id, public_key_pem
    from vigil.web.audit.services import audit_signing_key

    public = audit_signing_key().public_key()
    typer.echo(public_key_pem(public), nl=False)
    console.print(f"key id {key_id(public)}")


@audit_app.command("check-proof")
def check_proof_command(
    file: Annotated[Path, typer.Argument(help="A proof from `vigil audit prove`.")],
    public_key: Annotated[Path, typer.Option(help="The audit public key (PEM).")],
    held_head: Annotated[
        Path | None,
        typer.Option(help="A signed head you kept earlier; the proof must start from it."),
    ] = None,
) -> None:
    """Check a proof offline, with only the public key (no database needed)."""
    from vigil.core.audit import SignedTreeHead, check_proof

    key = _read_public_key(public_key)
    held = SignedTreeHead.from_dict(_read_json(held_head)) if held_head else None
    result = check_proof(_read_json(file), key, held_head=held)
    typer.echo(("OK: " if result.ok else "FAILED: ") + result.detail)
    if not result.ok:
        raise typer.Exit(EXIT_BAD)
