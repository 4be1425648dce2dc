"""`vigil link`, `vigil export entities`, `vigil judge`, `vigil judgements` and `vigil explain`:
resolving mentions to entities, printing them, and analysts' word on them."""

from __future__ import annotations

import re
import sys
import time
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import orjson
import typer
from rich.console import Console

from vigil.commands.database import open_store

console = Console(stderr=True, soft_wrap=True)
# The match probability `vigil link` joins two person mentions at, unless told otherwise.
LINK_THRESHOLD = 0.9
export_app = typer.Typer(help="Print what Vigil holds, for evaluation or other tools.")


class Engine(StrEnum):
    """Where the person model runs."""

    DUCKDB = "duckdb"
    SPARK = "spark"


class ExportFormat(StrEnum):
    """How exported lines are written."""

    JSONL = "jsonl"


def _as_of(text: str | None) -> datetime | None:
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    if len(text) == 10:  # a date: everything recorded during that day
        moment = moment.replace(hour=23, minute=59, second=59, microsecond=999999)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def link_command(
    as_of: Annotated[
        str | None,
        typer.Option(help="Link only records recorded on or before this date (YYYY-MM-DD)."),
    ] = None,
    engine: Annotated[Engine, typer.Option(help="Where the person model runs.")] = Engine.DUCKDB,
    threshold: Annotated[
        float, typer.Option(help="Match probability at which two person mentions are joined.")
    ] = LINK_THRESHOLD,
    retrain: Annotated[
        bool,
        typer.Option(
            "--retrain",
            help="Train the person model afresh on everything, rather than reuse the last one.",
        ),
    ] = False,
) -> None:
    """Resolve every mention to the person, vehicle, phone, address or organisation it names.

    Entities keep their ids where their membership persists, and analysts'
    judgements always hold. After new records arrive only the new work is
    done, with the person model the last link trained (unless --retrain).
    """

    open_store()
    from vigil.core.linkage import PersonModelOptions
    from vigil.web.entities import services

    started = time.monotonic()
    run = services.entities_link(
        as_of=_as_of(as_of),
        options=PersonModelOptions(threshold=threshold, engine=engine.value),
        retrain=retrain,
    )
    how = (
        f"incrementally: {run.counts.get('compared', 0):,} new person mentions compared, "
        f"{run.counts.get('reclustered', 0):,} clustered again"
        if run.incremental
        else "in full"
    )
    console.print(
        f"Linked {run.counts['mentions']:,} mentions into {run.counts['entities']:,} entities "
        f"on {engine.value} (people by {run.person_method}, {how}) "
        f"in {time.monotonic() - started:.1f} s."
    )
    for conflict in run.counts.get("conflicts", []):
        console.print(f"[yellow]Conflicting judgements:[/] {conflict}")


def export_entities_command(
    export_format: Annotated[
        ExportFormat, typer.Option("--format", help="Output format.")
    ] = ExportFormat.JSONL,
) -> None:
    """Print every entity with its mentions, one JSON object a line.

    Links first when records have arrived since the last `vigil link`, so
    every mention of every ingested record is in exactly one entity.
    """

    open_store()
    from vigil.web.entities import selectors, services

    if selectors.entities_stale():
        console.print("Records or judgements changed since the last link: linking first.")
        from vigil.core.linkage import PersonModelOptions

        services.entities_link(options=PersonModelOptions(threshold=LINK_THRESHOLD))
    write = sys.stdout.buffer.write
    for line in selectors.entity_lines():
        write(orjson.dumps(line) + b"\n")
    sys.stdout.buffer.flush()


class Verdict(StrEnum):
    """What an analyst says of two mentions or entities."""

    SAME = "same"
    NOT_SAME = "not-same"


_ENTITY_ID = re.compile(r"(person|vehicle|phone|address|organisation)-[0-9a-f]{16}")


def _mention(text: str) -> tuple[str, str]:
    record_id, colon, ref = text.rpartition(":")
    if not colon or not record_id or not ref:
        raise typer.BadParameter(f"{text!r} is not RECORD:REF (or an entity id)")
    return record_id, ref


def judge_command(
    verdict: Annotated[Verdict, typer.Argument(help="same or not-same.")],
    left: Annotated[str, typer.Argument(help="A mention as RECORD:REF, or an entity id.")],
    right: Annotated[str, typer.Argument(help="Another mention, or another entity id.")],
    by: Annotated[str, typer.Option("--by", help="Who judges (your user name).")],
    reason: Annotated[str, typer.Option("--reason", help="Why, in a sentence.")] = "",
) -> None:
    """Say that two mentions (or two entities) are, or are not, the same.

    The judgement is stored and audited, and every later `vigil link`
    respects it. Judgements it contradicts are reported; the newest holds.
    """
    open_store()
    from vigil.web.entities import services

    stored_verdict = "same" if verdict is Verdict.SAME else "not_same"
    try:
        if _ENTITY_ID.fullmatch(left) and _ENTITY_ID.fullmatch(right):
            judgement = services.entity_judgement_record(
                left=left, right=right, verdict=stored_verdict, by=by, rationale=reason
            )
        else:
            judgement = services.judgement_record(
                left=_mention(left),
                right=_mention(right),
                verdict=stored_verdict,
                by=by,
                rationale=reason,
            )
    except services.JudgementError as error:
        console.print(f"[red]Not recorded:[/] {error}")
        raise typer.Exit(1) from error
    console.print(
        f"Judgement {judgement.pk} recorded: {left} and {right} are "
        f"{'the same' if verdict is Verdict.SAME else 'not the same'}. "
        "It applies from the next `vigil link`."
    )
    for conflict in services.judgement_conflicts():
        console.print(f"[yellow]Conflicting judgements:[/] {conflict.describe()}")


def judgements_list_command() -> None:
    """List every judgement, newest first, with any that newer ones contradict."""
    open_store()
    from vigil.web.entities import selectors, services

    overruled = {c.overruled.id: c for c in services.judgement_conflicts()}
    out = Console(soft_wrap=True)
    for row in selectors.judgement_rows():
        if row.scope == row.Scope.ENTITIES:
            sides = f"{row.left_entity_id} {row.right_entity_id} (entities)"
        else:
            sides = (
                f"{row.left_record_source_id}:{row.left_ref} "
                f"{row.right_record_source_id}:{row.right_ref}"
            )
        verdict = "same" if row.verdict == "same" else "not-same"
        line = f"{row.pk}\t{row.made_at:%Y-%m-%d %H:%M}\t{verdict}\t{sides}\t{row.by}"
        if row.rationale:
            line += f"\t{row.rationale}"
        conflict = overruled.get(str(row.pk))
        if conflict:
            line += f"\t[not applied: contradicted by {', '.join(conflict.newer)}]"
        out.print(line, markup=False, highlight=False)


def explain_command(
    left: Annotated[str, typer.Argument(help="A mention as RECORD:REF.")],
    right: Annotated[str, typer.Argument(help="Another mention as RECORD:REF.")],
) -> None:
    """Print why two mentions are (or are not) in one entity.

    People: each comparison's level and match weight under the person model
    the last `vigil link` trained. Vehicles, phones, addresses and
    organisations: the rule that joins them.
    """
    open_store()
    from vigil.web.entities import selectors

    found = selectors.pair_explanation(left=_mention(left), right=_mention(right))
    if found is None:
        console.print("[red]Not linked:[/] run `vigil link` first, or check RECORD:REF.")
        raise typer.Exit(1)
    out = Console(soft_wrap=True, highlight=False)
    where = "in one entity" if found.same_entity else "in different entities"
    out.print(f"{left} and {right} are {where}.", markup=False)
    if found.judgement:
        verdict = "the same" if found.judgement == "same" else "not the same"
        out.print(f"An analyst judged them {verdict}.", markup=False)
    if found.rule:
        out.print(f"Rule: {found.rule}", markup=False)
    if found.match_weight is not None and found.probability is not None:
        out.print(
            f"Match weight {found.match_weight:+.2f} (probability {found.probability:.4f}):",
            markup=False,
        )
        for c in found.comparisons:
            out.print(
                f"  {c.name:<12} {c.match_weight:+7.2f}  {c.level}  "
                f"[{c.left_value or '-'} | {c.right_value or '-'}]",
                markup=False,
            )
    if found.path:
        chain = " -> ".join(f"{record_id}:{ref}" for record_id, ref in found.path)
        out.print(f"Not joined directly; joined through: {chain}", markup=False)


def register(app: typer.Typer) -> None:
    """Adds `vigil link`, `export entities`, `judge`, `judgements` and `explain` to `vigil`."""
    app.command("link")(link_command)
    export_app.command("entities")(export_entities_command)
    app.add_typer(export_app, name="export")
    app.command("judge")(judge_command)
    judgements_app = typer.Typer(help="Analysts' judgements on mentions and entities.")
    judgements_app.command("list")(judgements_list_command)
    app.add_typer(judgements_app, name="judgements")
    app.command("explain")(explain_command)
