"""`vigil complaints`: the complaints and findings register from the command line.

Every command but `intake` acts as a named user (`--by EMAIL`), whose role
decides what they may read and do, exactly as in the web application; every
step is in the audit log.

Exit codes: 0 done; 1 refused (the user's role, or the complaint's lifecycle,
does not allow it); 2 the command was used wrongly (no such user or complaint).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from vigil.commands.database import open_store

EXIT_REFUSED, EXIT_USAGE = 1, 2

console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)
complaints_app = typer.Typer(help="The complaints and findings register.", no_args_is_help=True)

By = Annotated[str, typer.Option("--by", help="Email of the user acting (their role decides).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print as JSON.")]


def register(app: typer.Typer) -> None:
    """Adds `vigil complaints` to the `vigil` command."""
    app.add_typer(complaints_app, name="complaints")


def _user(email: str) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(email__iexact=email.strip()).first()
    if user is None:
        console.print(f"[red]Error:[/red] no user with email {email}")
        raise typer.Exit(EXIT_USAGE)
    return user


def _print_json(value: Any) -> None:
    out.print_json(json.dumps(value, default=str))


def _refused(error: Exception) -> typer.Exit:
    console.print(f"[red]Refused:[/red] {error}")
    return typer.Exit(EXIT_REFUSED)


def _run(call: Any) -> Any:
    """Runs a service or selector call, turning refusals into exit code 1."""
    from django.core.exceptions import ObjectDoesNotExist, PermissionDenied

    from vigil.core.complaints import ComplaintRuleError

    try:
        return call()
    except (ComplaintRuleError, PermissionDenied) as error:
        raise _refused(error) from None
    except ObjectDoesNotExist:
        console.print("[red]Error:[/red] no such complaint, finding or escalation")
        raise typer.Exit(EXIT_USAGE) from None


@complaints_app.command("list")
def list_command(
    by: By,
    status: Annotated[str | None, typer.Option(help="Only complaints in this status.")] = None,
    escalated: Annotated[bool, typer.Option(help="Only with an open escalation.")] = False,
    overdue: Annotated[bool, typer.Option(help="Only past a deadline.")] = False,
    sort: Annotated[str, typer.Option(help="newest, oldest, findings_due or status.")] = "newest",
    as_json: AsJson = False,
) -> None:
    """List complaints (never who made them)."""
    open_store()
    from vigil.web.complaints import selectors

    user = _user(by)
    rows = _run(
        lambda: list(
            selectors.complaints_query(
                user=user, status=status, escalated=escalated, overdue=overdue, sort=sort
            )
        )
    )
    if as_json:
        _print_json(rows)
        return
    table = Table(title=f"{len(rows):,} complaints", title_justify="left")
    for column in ("ref", "received", "status", "escalated", "findings by", "summary"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row["id"]),
            str(row["received_at"])[:10],
            row["status"],
            "yes" if row["escalated"] else "",
            str(row["findings_by"]),
            row["summary"],
        )
    out.print(table)


def _detail_as_dict(detail: Any) -> dict[str, Any]:
    c = detail.complaint
    return {
        "id": c.pk,
        "received_at": c.received_at,
        "channel": c.channel,
        "status": c.status,
        "summary": c.summary,
        "details": c.details,
        "about_agency": c.about_agency,
        "acknowledge_by": c.acknowledge_by,
        "findings_by": c.findings_by,
        "complainant": (
            {
                "user": detail.identity.user_email,
                "name": detail.identity.name,
                "contact": detail.identity.contact,
            }
            if detail.identity
            else "withheld"
        ),
        "vexatious": detail.vexatious,
        "findings": [
            {
                "id": view.finding.pk,
                "outcome": view.finding.outcome,
                "reasons": view.finding.reasons,
                "response": view.finding.response or None,
                "response_reasons": view.finding.response_reasons or None,
                "response_by": view.finding.response_by,
                "recommendations": [
                    {
                        "id": rec.pk,
                        "text": rec.text,
                        "response": rec.response or None,
                        "actions": [
                            {
                                "id": a.pk,
                                "description": a.description,
                                "due_on": a.due_on,
                                "done": a.completed_at is not None,
                            }
                            for a in actions
                        ],
                    }
                    for rec, actions in view.recommendations
                ],
            }
            for view in detail.findings
        ],
        "escalations": [
            {
                "id": e.pk,
                "cause": e.cause,
                "raised_at": e.raised_at,
                "closed_at": e.closed_at,
                "close_reason": e.close_reason or None,
            }
            for e in detail.escalations
        ],
        "history": [{"at": h.at, "what": h.what} for h in detail.history],
    }


@complaints_app.command("show")
def show_command(
    complaint_id: Annotated[int, typer.Argument(help="The complaint's reference.")],
    by: By,
    as_json: AsJson = False,
) -> None:
    """One complaint: findings, responses, recommendations, escalations, history."""
    open_store()
    from vigil.web.complaints import selectors, services

    user = _user(by)
    detail = _run(lambda: selectors.complaint_detail(user=user, complaint_id=complaint_id))
    if detail is None:
        console.print(f"[red]Error:[/red] no complaint {complaint_id}")
        raise typer.Exit(EXIT_USAGE)
    services.complaints_read_audit(
        user=user, complaint_ids=[complaint_id], reason="complaints show"
    )
    shown = _detail_as_dict(detail)
    if as_json:
        _print_json(shown)
        return
    out.print(f"[bold]Complaint {shown['id']}[/bold]: {shown['summary']} ({shown['status']})")
    for key in ("received_at", "channel", "about_agency", "acknowledge_by", "findings_by"):
        out.print(f"  {key.replace('_', ' ')}: {shown[key]}")
    out.print(f"  complainant: {shown['complainant']}")
    for finding in shown["findings"]:
        out.print(
            f"  finding {finding['id']}: {finding['outcome']}; "
            f"response: {finding['response'] or 'due ' + str(finding['response_by'])}"
        )
    for escalation in shown["escalations"]:
        state = "closed" if escalation["closed_at"] else "OPEN"
        out.print(f"  escalation {escalation['id']}: {escalation['cause']} ({state})")
    for line in shown["history"]:
        out.print(f"  {str(line['at'])[:16]}  {line['what']}")


@complaints_app.command("intake")
def intake_command(
    summary: Annotated[str, typer.Option(help="One line: what the complaint is about.")],
    details: Annotated[str, typer.Option(help="What happened, in the complainant's words.")],
    about: Annotated[str, typer.Option(help="The agency complained about.")] = "",
    name: Annotated[str, typer.Option(help="The complainant's name, if they give it.")] = "",
    contact: Annotated[str, typer.Option(help="How to reach them, if they say.")] = "",
    by: Annotated[
        str | None,
        typer.Option("--by", help="Email of the staff member recording it (else anonymous)."),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Register a complaint and print its receipt code (shown once, stored only hashed)."""
    open_store()
    from vigil.web.complaints import services

    user = _user(by) if by else None
    intake = _run(
        lambda: services.complaint_intake(
            summary=summary,
            details=details,
            user=user,
            about_agency=about,
            complainant_name=name,
            complainant_contact=contact,
            recorded_for_someone_else=user is not None,
        )
    )
    c = intake.complaint
    if as_json:
        _print_json(
            {
                "id": c.pk,
                "receipt_code": intake.receipt_code,
                "status": c.status,
                "acknowledge_by": c.acknowledge_by,
                "findings_by": c.findings_by,
            }
        )
        return
    out.print(f"Complaint {c.pk} received. Receipt code: {intake.receipt_code}")
    out.print(f"Acknowledge by {c.acknowledge_by}; findings by {c.findings_by}.")


@complaints_app.command("acknowledge")
def acknowledge_command(
    complaint_id: Annotated[int, typer.Argument(help="The complaint's reference.")], by: By
) -> None:
    """Acknowledge a complaint."""
    open_store()
    from vigil.web.complaints import services

    user = _user(by)
    _run(lambda: services.complaint_acknowledge(user=user, complaint_id=complaint_id))
    out.print(f"Complaint {complaint_id} acknowledged.")


@complaints_app.command("investigate")
def investigate_command(
    complaint_id: Annotated[int, typer.Argument(help="The complaint's reference.")], by: By
) -> None:
    """Start the investigation of an acknowledged complaint."""
    open_store()
    from vigil.web.complaints import services

    user = _user(by)
    _run(lambda: services.complaint_investigate(user=user, complaint_id=complaint_id))
    out.print(f"Complaint {complaint_id}: investigation started.")


@complaints_app.command("finding")
def finding_command(
    complaint_id: Annotated[int, typer.Argument(help="The complaint's reference.")],
    outcome: Annotated[str, typer.Option(help="upheld, partly_upheld or not_upheld.")],
    reasons: Annotated[str, typer.Option(help="Why (at least 20 characters).")],
    by: By,
    as_json: AsJson = False,
) -> None:
    """Record an investigation's finding, with its reasons."""
    open_store()
    from vigil.core.complaints import Outcome
    from vigil.web.complaints import services

    if outcome not in {o.value for o in Outcome}:
        console.print(f"[red]Error:[/red] outcome is one of {', '.join(o.value for o in Outcome)}")
        raise typer.Exit(EXIT_USAGE)
    user = _user(by)
    finding = _run(
        lambda: services.finding_record(
            user=user, complaint_id=complaint_id, outcome=Outcome(outcome), reasons=reasons
        )
    )
    if as_json:
        _print_json(
            {
                "finding_id": finding.pk,
                "outcome": finding.outcome,
                "response_by": finding.response_by,
            }
        )
        return
    out.print(f"Finding {finding.pk} recorded ({outcome}); response due by {finding.response_by}.")


@complaints_app.command("response")
def response_command(
    finding_id: Annotated[int, typer.Argument(help="The finding's number.")],
    reasons: Annotated[str, typer.Option(help="Why (at least 20 characters).")],
    by: By,
    accept: Annotated[
        bool | None,
        typer.Option("--accept/--reject", help="Accept or reject the finding (required)."),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Record the organisation's response to a finding. A rejection escalates."""
    open_store()
    from vigil.core.complaints import Response
    from vigil.web.complaints import services

    if accept is None:
        console.print("[red]Error:[/red] say --accept or --reject")
        raise typer.Exit(EXIT_USAGE)
    user = _user(by)
    response = Response.ACCEPTED if accept else Response.REJECTED
    finding = _run(
        lambda: services.finding_respond(
            user=user, finding_id=finding_id, response=response, reasons=reasons
        )
    )
    escalated = finding.escalations.exists()
    if as_json:
        _print_json(
            {"finding_id": finding.pk, "response": finding.response, "escalated": escalated}
        )
        return
    out.print(f"Finding {finding.pk}: {finding.response}." + (" Escalated." if escalated else ""))


@complaints_app.command("escalations")
def escalations_command(
    by: By,
    sweep: Annotated[
        bool, typer.Option(help="First escalate every deadline missed so far.")
    ] = True,
    close: Annotated[
        int | None, typer.Option(help="Close this escalation (independent reviewers only).")
    ] = None,
    reason: Annotated[str, typer.Option(help="Why it is closed (with --close).")] = "",
    as_json: AsJson = False,
) -> None:
    """The escalation dashboard: open escalations, oldest first; or close one with a reason."""
    open_store()
    from vigil.core.complaints import Act
    from vigil.web.complaints import selectors, services

    user = _user(by)
    if close is not None:
        _run(lambda: services.escalation_close(user=user, escalation_id=close, reason=reason))
        out.print(f"Escalation {close} closed.")
        return
    _run(lambda: selectors.check_allowed(user=user, act=Act.READ))
    raised = services.escalations_raise_overdue() if sweep else []
    rows = _run(lambda: list(selectors.escalations_open_query(user=user)))
    if as_json:
        _print_json({"raised": len(raised), "open": rows})
        return
    table = Table(title=f"{len(rows):,} open escalations", title_justify="left")
    for column in ("escalation", "raised", "cause", "complaint", "status"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row["id"]),
            str(row["raised_at"])[:10],
            row["cause"],
            str(row["complaint_id"]),
            row["complaint__status"],
        )
    out.print(table)
    if raised:
        out.print(f"{len(raised)} newly escalated.")
