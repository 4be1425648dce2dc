"""Who a user is at work: their agency, their role and their teams.

Need-to-know (which records a user may read) is built on these; sign-in
itself is Django's user and django-allauth's authenticators.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    """What a user does in Vigil; pages and actions are allowed by role."""

    ANALYST = "analyst"
    PRACTITIONER = "practitioner"
    SUPERVISOR = "supervisor"
    # Approves what a supervisor cannot: a subject dismissed twice, a complainant called vexatious.
    SENIOR_REVIEWER = "senior_reviewer"
    # Outside the line of management: closes escalated findings, approves "vexatious".
    INDEPENDENT_REVIEWER = "independent_reviewer"
    # Inquiry and watchdog teams: read the record of who knew what, publish redacted findings.
    AUDITOR = "auditor"


class Team(models.Model):
    """A team within an agency, e.g. the police's child exploitation team."""

    agency = models.ForeignKey("records.Agency", on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("agency", "name"), name="team_name_unique_in_agency"),
        )


class Profile(models.Model):
    """A user's agency, role and teams."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    agency = models.ForeignKey("records.Agency", on_delete=models.PROTECT, related_name="users")
    role = models.CharField(max_length=32, choices=Role.choices)
    teams = models.ManyToManyField(Team, blank=True, related_name="members")
