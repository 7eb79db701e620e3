"""The tables of the exchange format, one applier each, in the order they are applied."""

from .conferences import ConferenceApplier, ConferenceTaskApplier, RecognitionApplier
from .dossiers import DossierApplier, DossierStepApplier
from .members import AdmissionApplier, ConfirmationApplier, TransferApplier
from .memberships import MembershipApplier
from .register import CourseApplier, EnrollmentApplier, PeopleApplier, SourceApplier
from .structure import RestructuringApplier, SplitAssignmentApplier, UnitVersionApplier
from .targets import FindingApplier, TargetApplier
from .units import UnitApplier
from .votes import FailedVoteApplier

APPLIERS = {
    "units": UnitApplier,
    "unit_versions": UnitVersionApplier,
    "restructurings": RestructuringApplier,
    "people": PeopleApplier,
    "split_assignments": SplitAssignmentApplier,
    "sources": SourceApplier,
    "courses": CourseApplier,
    "enrollments": EnrollmentApplier,
    "dossiers": DossierApplier,
    "dossier_steps": DossierStepApplier,
    "failed_cell_votes": FailedVoteApplier,
    "admissions": AdmissionApplier,
    "members": MembershipApplier,
    "confirmations": ConfirmationApplier,
    "transfers": TransferApplier,
    "targets": TargetApplier,
    "findings": FindingApplier,
    "conferences": ConferenceApplier,
    "conference_tasks": ConferenceTaskApplier,
    "recognitions": RecognitionApplier,
}
