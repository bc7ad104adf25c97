"""Collection models: sources, intelligence reports and their links, incidents, imports and
intelligence requirements."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from ilp.grading import GradingScheme, IntelligenceAssessment, SourceEvaluation
from ilp.models import Location, Organisation, Person, Record, Vehicle


class Source(Record):
    """Where intelligence comes from. Readers see only the sanitised reference; the identity
    of a covert source is visible to its handlers alone."""

    class Kind(models.TextChoices):
        COVERT_HUMAN = "chis", "Covert human intelligence source"
        OPEN_SOURCE = "osint", "Open source"
        CCTV = "cctv", "CCTV"
        CRIME_SYSTEM = "crime_system", "Crime recording system"
        PARTNER_AGENCY = "partner", "Partner agency"
        PUBLIC = "public", "Member of the public"
        OFFICER = "officer", "Police officer or staff"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    reference = models.CharField(max_length=40, help_text="Sanitised reference readers see.")
    identity = models.TextField(blank=True, help_text="Who the source is: handlers only.")
    handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="handled_sources", blank=True
    )
    is_active = models.BooleanField(default=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "reference"], name="source_reference_unique_in_agency"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_covert(self) -> bool:
        """Whether the identity must never leave the source record."""
        return self.kind == self.Kind.COVERT_HUMAN


class IntelligenceRequirement(Record):
    """What the agency needs to know; reports answer requirements."""

    class Priority(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200)
    question = models.TextField()
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    due_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["status", "due_date", "-id"]

    def __str__(self) -> str:
        return self.title


class Report(Record):
    """A graded intelligence report (3x5x2), moving draft → submitted → approved or returned."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned to author"

    reference = models.CharField(max_length=30, unique=True, editable=False)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="The intelligence, in the words recorded.")
    received_at = models.DateTimeField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="reports")
    source_evaluation = models.CharField(max_length=1, choices=SourceEvaluation.choices)
    intelligence_assessment = models.CharField(max_length=1, choices=IntelligenceAssessment.choices)
    original_scheme = models.CharField(
        max_length=10, choices=GradingScheme.choices, default=GradingScheme.G3X5X2
    )
    original_grade = models.CharField(
        max_length=10, blank=True, help_text="The grade as given in the original scheme."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    returned_reason = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_reports"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="approved_reports",
        null=True,
        blank=True,
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    requirements = models.ManyToManyField(
        IntelligenceRequirement, related_name="reports", blank=True
    )
    records_views = models.BooleanField(
        default=False,
        help_text="The report records political, religious or social views or activities.",
    )
    views_justification = models.TextField(
        blank=True,
        help_text="28 CFR Part 23 §23.20(b): how those views relate directly to criminal conduct.",
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        permissions = [("approve_report", "Can approve or return submitted reports")]
        indexes = [
            models.Index(fields=["agency", "status", "-received_at"]),
            models.Index(fields=["agency", "-received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def clean(self) -> None:
        super().clean()
        if self.records_views and len(self.views_justification.strip()) < 20:
            raise ValidationError(
                {
                    "views_justification": "Information about political, religious or social "
                    "views or activities may be kept only when it relates directly to criminal "
                    "conduct: say how."
                }
            )

    @property
    def grade(self) -> str:
        """The 3x5x2 grade as written on the record, e.g. '1B P'."""
        return f"{self.source_evaluation}{self.intelligence_assessment} {self.handling_code}"


class ReportLink(models.Model):
    """A person, location, vehicle or organisation a report mentions, and in what role."""

    class Role(models.TextChoices):
        SUBJECT = "subject", "Subject"
        ASSOCIATE = "associate", "Associate"
        VICTIM = "victim", "Victim"
        WITNESS = "witness", "Witness"
        LOCATION = "location", "Location of activity"
        ADDRESS = "address", "Home address"
        VEHICLE_USED = "vehicle_used", "Vehicle used"
        MEMBER = "member", "Member"
        MENTIONED = "mentioned", "Mentioned"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="links")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="report_links"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="report_links"
    )
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.CASCADE, null=True, blank=True, related_name="report_links"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_links",
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MENTIONED)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        person__isnull=False,
                        location__isnull=True,
                        vehicle__isnull=True,
                        organisation__isnull=True,
                    )
                    | Q(
                        person__isnull=True,
                        location__isnull=False,
                        vehicle__isnull=True,
                        organisation__isnull=True,
                    )
                    | Q(
                        person__isnull=True,
                        location__isnull=True,
                        vehicle__isnull=False,
                        organisation__isnull=True,
                    )
                    | Q(
                        person__isnull=True,
                        location__isnull=True,
                        vehicle__isnull=True,
                        organisation__isnull=False,
                    )
                ),
                name="report_link_exactly_one_entity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.entity}"

    @property
    def entity(self) -> Person | Location | Vehicle | Organisation:
        """The linked entity, whichever kind it is."""
        entity = self.person or self.location or self.vehicle or self.organisation
        assert entity is not None
        return entity


class OffenceType(models.Model):
    """An offence with its harm weight (Crime Harm Index style: days of imprisonment of the
    sentencing starting point). Unknown names from imports are added flagged for weighting."""

    name = models.CharField(max_length=200, unique=True)
    category = models.CharField(max_length=100, blank=True)
    harm_weight = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Days of imprisonment at the sentencing starting point; blank until weighted.",
    )
    needs_review = models.BooleanField(
        default=False, help_text="Added by an import: an administrator must set its weight."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Import(models.Model):
    """One bulk load of incidents: who, when, which file, what came of it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    agency = models.ForeignKey("ilp.Agency", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=255)
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    mapping = models.JSONField(default=dict, blank=True, help_text="Field → column of the file.")
    fixed_values = models.JSONField(
        default=dict, blank=True, help_text="Field → value for every row."
    )
    options = models.JSONField(default=dict, blank=True, help_text="crs, time_format, time_zone.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    rows_total = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[{row, message}] (capped).")
    bbox = models.JSONField(null=True, blank=True, help_text="[min_lon, min_lat, max_lon, max_lat]")
    error = models.TextField(blank=True, help_text="Why the whole import failed, if it did.")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Import {self.pk} of {self.file_name}"


class ImportMapping(models.Model):
    """A column mapping remembered for files with the same header."""

    agency = models.ForeignKey("ilp.Agency", on_delete=models.CASCADE, related_name="+")
    header_signature = models.CharField(max_length=64)
    mapping = models.JSONField(default=dict)
    options = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "header_signature"], name="import_mapping_unique_header"
            )
        ]

    def __str__(self) -> str:
        return f"Mapping {self.header_signature[:8]} ({self.agency_id})"


class Incident(Record):
    """A crime record from the agency's records system, keyed by its external reference."""

    class Status(models.TextChoices):
        OPEN = "open", "Open / under investigation"
        CLOSED = "closed", "Closed"
        CHARGED = "charged", "Charged / summonsed"
        NFA = "nfa", "No further action"
        UNKNOWN = "unknown", "Unknown"

    reference = models.CharField(max_length=64, help_text="The records system's reference.")
    offence = models.ForeignKey(OffenceType, on_delete=models.PROTECT, related_name="incidents")
    occurred_from = models.DateTimeField()
    occurred_to = models.DateTimeField()
    reported_at = models.DateTimeField(null=True, blank=True)
    latitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    h3_cell = models.CharField(max_length=16, blank=True, db_index=True)
    address = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNKNOWN)
    source_import = models.ForeignKey(
        Import, on_delete=models.SET_NULL, null=True, blank=True, related_name="incidents"
    )
    people: models.ManyToManyField[Person, IncidentPerson] = models.ManyToManyField(
        Person, through="IncidentPerson", related_name="incidents"
    )

    class Meta:
        ordering = ["-occurred_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "reference"], name="incident_reference_unique_in_agency"
            ),
            models.CheckConstraint(
                condition=Q(occurred_to__gte=models.F("occurred_from")),
                name="incident_window_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "-occurred_from"]),
            models.Index(fields=["agency", "offence"]),
            # The access rule is an OR (own agency / disseminated / granted), so list pages
            # walk this index newest first and filter, instead of sorting every row.
            models.Index(fields=["-occurred_from", "-id"], name="incident_occurred_desc_idx"),
            # Map views of a bounding box are answered from the index alone.
            models.Index(
                fields=["latitude", "longitude"],
                include=["h3_cell", "agency", "classification", "restricted", "id"],
                name="incident_point_cover_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.offence}"

    def clean(self) -> None:
        super().clean()
        if self.occurred_from and self.occurred_to and self.occurred_to < self.occurred_from:
            raise ValidationError({"occurred_to": "The window ends before it starts."})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError("Give both latitude and longitude, or neither.")


class IncidentPerson(models.Model):
    """A person involved in an incident, in a role."""

    class Role(models.TextChoices):
        SUSPECT = "suspect", "Suspect"
        OFFENDER = "offender", "Offender"
        VICTIM = "victim", "Victim"
        WITNESS = "witness", "Witness"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="involvements")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="involvements")
    role = models.CharField(max_length=10, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "person", "role"], name="incident_person_role_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.person}"
