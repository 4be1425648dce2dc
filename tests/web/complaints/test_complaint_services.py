"""The register's lifecycle in the database: every step audited, nothing deleted."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import transaction
from django.db.models import ProtectedError
from tests.web.complaints.conftest import People

from vigil.core.complaints import Cause, ComplaintRuleError, Outcome, Response, Status
from vigil.web.audit.models import AuditEntry
from vigil.web.audit.services import audit_verify
from vigil.web.complaints import models, selectors, services

pytestmark = pytest.mark.django_db
REASON = "the records show the report was logged and not assessed"


def investigating(people: People, intake: services.Intake) -> models.Complaint:
    services.complaint_acknowledge(user=people["supervisor"], complaint_id=intake.complaint.pk)
    return services.complaint_investigate(
        user=people["supervisor"], complaint_id=intake.complaint.pk
    )


def test_an_anonymous_complaint_gets_a_receipt_that_is_stored_only_hashed(
    complaint: services.Intake,
) -> None:
    stored = models.Complaint.objects.get(pk=complaint.complaint.pk)
    raw = complaint.receipt_code.replace("-", "")
    assert len(raw) >= 16
    assert raw not in stored.receipt_hash
    assert stored.channel == "anonymous" and stored.complainant_id is None
    assert selectors.complaint_by_receipt(receipt_code=complaint.receipt_code) == stored
    assert selectors.complaint_by_receipt(receipt_code=raw.lower()) == stored
    assert selectors.complaint_by_receipt(receipt_code="ABCD-EFGH-JKLM-NPQR-STUV") is None


def test_intake_is_audited_by_id_and_never_copies_the_complaint(
    complaint: services.Intake,
) -> None:
    (entry,) = AuditEntry.objects.filter(event="complaint_received")
    assert entry.category == "collection"
    assert entry.object_refs == f"complaint:{complaint.complaint.pk}"
    assert entry.actor_kind == "system" and entry.actor_id == "complaints-intake"
    for text in ("Kayla", "Jo Whistle", "jo@example.org", "missing"):
        assert not AuditEntry.objects.filter(reason__icontains=text).exists()
    assert audit_verify().ok


def test_deadlines_are_set_in_working_days(people: People) -> None:
    friday = datetime(2026, 11, 27, 12, tzinfo=datetime.now().astimezone().tzinfo)
    intake = services.complaint_intake(
        summary="Late", details="Details", user=people["analyst"], now=friday
    )
    assert intake.complaint.acknowledge_by == date(2026, 12, 2)  # 3 working days
    assert intake.complaint.channel == "signed_in"
    assert intake.complaint.complainant_id == people["analyst"].pk


def test_the_complainant_adds_information_by_receipt_code(complaint: services.Intake) -> None:
    services.complaint_add_information(
        receipt_code=complaint.receipt_code, text="He also came back on Friday."
    )
    view = selectors.complainant_view(complaint=complaint.complaint)
    assert view.additions == 1 and view.status is Status.RECEIVED
    with pytest.raises(ComplaintRuleError, match="no complaint"):
        services.complaint_add_information(receipt_code="nonsense", text="x")


def test_the_whole_lifecycle_to_closed(people: People, complaint: services.Intake) -> None:
    pk = complaint.complaint.pk
    investigating(people, complaint)
    finding = services.finding_record(
        user=people["supervisor"], complaint_id=pk, outcome=Outcome.UPHELD, reasons=REASON
    )
    recommendation = services.recommendation_add(
        user=people["supervisor"], finding_id=finding.pk, text="Assess every missing report."
    )
    services.finding_respond(
        user=people["senior"], finding_id=finding.pk, response=Response.ACCEPTED, reasons=REASON
    )
    services.recommendation_respond(
        user=people["senior"],
        recommendation_id=recommendation.pk,
        response=Response.ACCEPTED,
        reasons=REASON,
    )
    action = services.action_add(
        user=people["supervisor"],
        recommendation_id=recommendation.pk,
        description="Retrain the duty desk",
        due_on=date(2030, 1, 1),
    )
    services.action_complete(user=people["supervisor"], action_id=action.pk, note=REASON)
    closed = services.complaint_close(user=people["senior"], complaint_id=pk, reason=REASON)
    assert closed.status == Status.CLOSED
    transitions = AuditEntry.objects.filter(event="complaint_transition")
    assert transitions.count() >= 8
    assert all(e.object_refs.startswith(f"complaint:{pk}") for e in transitions)
    with pytest.raises(ComplaintRuleError, match="closed"):
        services.complaint_add_note(user=people["supervisor"], complaint_id=pk, text="more")
    assert audit_verify().ok


def test_a_rejected_finding_escalates_and_blocks_closing_until_independent_review(
    people: People, complaint: services.Intake
) -> None:
    pk = complaint.complaint.pk
    investigating(people, complaint)
    finding = services.finding_record(
        user=people["independent"], complaint_id=pk, outcome=Outcome.UPHELD, reasons=REASON
    )
    services.finding_respond(
        user=people["senior"], finding_id=finding.pk, response=Response.REJECTED, reasons=REASON
    )
    (escalation,) = models.Escalation.objects.filter(complaint_id=pk)
    assert escalation.cause == Cause.FINDING_REJECTED and escalation.closed_at is None
    with pytest.raises(ComplaintRuleError, match="independent reviewer"):
        services.complaint_close(user=people["senior"], complaint_id=pk, reason=REASON)
    # Nobody but an independent reviewer closes it, and not the one who made the finding.
    for name in ("supervisor", "senior", "auditor"):
        with pytest.raises(ComplaintRuleError, match="may not"):
            services.escalation_close(user=people[name], escalation_id=escalation.pk, reason=REASON)
    with pytest.raises(ComplaintRuleError, match="took no part"):
        services.escalation_close(
            user=people["independent"], escalation_id=escalation.pk, reason=REASON
        )
    with pytest.raises(ComplaintRuleError, match="at least"):
        services.escalation_close(
            user=people["independent2"], escalation_id=escalation.pk, reason="ok"
        )
    services.escalation_close(
        user=people["independent2"], escalation_id=escalation.pk, reason=REASON
    )
    escalation.refresh_from_db()
    assert escalation.closed_by_id == people["independent2"].pk
    assert escalation.close_reason == REASON
    services.complaint_close(user=people["senior"], complaint_id=pk, reason=REASON)


def test_missed_deadlines_escalate_once_and_stay(
    people: People, complaint: services.Intake
) -> None:
    later = complaint.complaint.received_at + timedelta(days=120)
    raised = services.escalations_raise_overdue(now=later)
    assert {e.cause for e in raised} == {Cause.NOT_ACKNOWLEDGED, Cause.FINDINGS_OVERDUE}
    assert services.escalations_raise_overdue(now=later + timedelta(days=5)) == []
    # Acknowledging late does not make the escalation go away.
    services.complaint_acknowledge(user=people["supervisor"], complaint_id=complaint.complaint.pk)
    open_ids = {e["id"] for e in selectors.escalations_open_query(user=people["auditor"])}
    assert open_ids == {e.pk for e in raised}


def test_an_overdue_action_escalates(people: People, complaint: services.Intake) -> None:
    pk = complaint.complaint.pk
    investigating(people, complaint)
    finding = services.finding_record(
        user=people["supervisor"], complaint_id=pk, outcome=Outcome.PARTLY_UPHELD, reasons=REASON
    )
    recommendation = services.recommendation_add(
        user=people["supervisor"], finding_id=finding.pk, text="Review the policy."
    )
    services.action_add(
        user=people["supervisor"],
        recommendation_id=recommendation.pk,
        description="Rewrite it",
        due_on=date(2020, 1, 1),
    )
    raised = services.escalations_raise_overdue()
    assert Cause.ACTION_OVERDUE in {e.cause for e in raised}


def test_vexatious_needs_an_independent_reviewer_who_did_not_propose_it(
    people: People, complaint: services.Intake
) -> None:
    pk = complaint.complaint.pk
    with pytest.raises(ComplaintRuleError, match="may not"):
        services.vexatious_propose(user=people["analyst"], complaint_id=pk, reason=REASON)
    proposal = services.vexatious_propose(user=people["supervisor"], complaint_id=pk, reason=REASON)
    detail = selectors.complaint_detail(user=people["auditor"], complaint_id=pk)
    assert detail is not None and not detail.vexatious  # no effect until approved
    for name in ("supervisor", "senior"):
        with pytest.raises(ComplaintRuleError, match="may not"):
            services.vexatious_decide(
                user=people[name], designation_id=proposal.pk, approve=True, reason=REASON
            )
    with pytest.raises(ComplaintRuleError, match="at least"):
        services.vexatious_decide(
            user=people["independent"], designation_id=proposal.pk, approve=True, reason="yes"
        )
    services.vexatious_decide(
        user=people["independent"], designation_id=proposal.pk, approve=True, reason=REASON
    )
    detail = selectors.complaint_detail(user=people["auditor"], complaint_id=pk)
    assert detail is not None and detail.vexatious
    proposal.refresh_from_db()
    assert proposal.decided_by_id == people["independent"].pk != proposal.proposed_by_id


def test_the_proposer_cannot_approve_even_as_an_independent_reviewer(
    people: People, complaint: services.Intake
) -> None:
    from vigil.web.accounts.models import Profile

    Profile.objects.filter(user_id=people["supervisor"].pk).update(role="independent_reviewer")
    proposal = models.VexatiousDesignation.objects.create(
        complaint=complaint.complaint,
        proposed_by_id=people["supervisor"].pk,
        proposed_at=complaint.complaint.received_at,
        reason=REASON,
    )
    with pytest.raises(ComplaintRuleError, match="someone other"):
        services.vexatious_decide(
            user=people["supervisor"], designation_id=proposal.pk, approve=True, reason=REASON
        )


def test_steps_out_of_order_and_by_the_wrong_role_are_refused(
    people: People, complaint: services.Intake
) -> None:
    pk = complaint.complaint.pk
    with pytest.raises(ComplaintRuleError, match="cannot"):
        services.finding_record(
            user=people["supervisor"], complaint_id=pk, outcome=Outcome.UPHELD, reasons=REASON
        )
    with pytest.raises(ComplaintRuleError, match="may not"):
        services.complaint_acknowledge(user=people["auditor"], complaint_id=pk)
    investigating(people, complaint)
    finding = services.finding_record(
        user=people["supervisor"], complaint_id=pk, outcome=Outcome.UPHELD, reasons=REASON
    )
    with pytest.raises(ComplaintRuleError, match="may not"):
        services.finding_respond(
            user=people["supervisor"],
            finding_id=finding.pk,
            response=Response.REJECTED,
            reasons=REASON,
        )
    with pytest.raises(ComplaintRuleError, match="at least"):
        services.finding_record(
            user=people["supervisor"], complaint_id=pk, outcome=Outcome.UPHELD, reasons="no"
        )


@pytest.mark.parametrize(
    "model",
    [models.Complaint, models.ComplaintHistory, models.Escalation],
)
def test_nothing_can_be_deleted(
    people: People, complaint: services.Intake, model: type[models.Complaint]
) -> None:
    services.escalations_raise_overdue(now=complaint.complaint.received_at + timedelta(days=120))
    row = model.objects.first()
    assert row is not None
    # A complaint is also protected by the rows that refer to it; the rows themselves
    # (history, escalations) are refused by the guard.
    refused = (models.DeletionRefusedError, ProtectedError)
    with pytest.raises(refused), transaction.atomic():
        row.delete()
    with pytest.raises(refused), transaction.atomic():
        model.objects.all().delete()
    assert model.objects.exists()


def test_identity_only_for_those_who_need_it(people: People, complaint: services.Intake) -> None:
    pk = complaint.complaint.pk
    for name in ("supervisor", "auditor"):
        detail = selectors.complaint_detail(user=people[name], complaint_id=pk)
        assert detail is not None and detail.identity is None
    for name in ("senior", "independent"):
        detail = selectors.complaint_detail(user=people[name], complaint_id=pk)
        assert detail is not None and detail.identity is not None
        assert detail.identity.contact == "jo@example.org"


def test_analysts_and_practitioners_cannot_read_complaints_and_are_logged(
    people: People, complaint: services.Intake
) -> None:
    for name in ("analyst", "practitioner"):
        with pytest.raises(selectors.ComplaintAccessDenied):
            selectors.complaint_detail(user=people[name], complaint_id=complaint.complaint.pk)
        with pytest.raises(selectors.ComplaintAccessDenied):
            selectors.complaints_query(user=people[name])
    denials = AuditEntry.objects.filter(event="access_denied")
    assert denials.count() == 4


def test_the_list_filters_and_sorts(people: People, complaint: services.Intake) -> None:
    second = services.complaint_intake(summary="Second", details="More", user=people["analyst"])
    services.complaint_acknowledge(user=people["supervisor"], complaint_id=second.complaint.pk)
    auditor = people["auditor"]
    assert [c["id"] for c in selectors.complaints_query(user=auditor, sort="oldest")] == [
        complaint.complaint.pk,
        second.complaint.pk,
    ]
    assert [c["id"] for c in selectors.complaints_query(user=auditor, status="acknowledged")] == [
        second.complaint.pk
    ]
    later = date.today() + timedelta(days=200)
    assert {
        c["id"] for c in selectors.complaints_query(user=auditor, overdue=True, today=later)
    } == {
        complaint.complaint.pk,
        second.complaint.pk,
    }
    assert not selectors.complaints_query(user=auditor, escalated=True).exists()
