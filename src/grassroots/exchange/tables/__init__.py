"""The tables of the exchange format, one applier each, in the order they are applied."""

from .members import AdmissionApplier, ConfirmationApplier, TransferApplier
from .register import CourseApplier, EnrollmentApplier, PeopleApplier, SourceApplier
from .targets import TargetApplier
from .units import UnitApplier

APPLIERS = {
    "units": UnitApplier,
    "people": PeopleApplier,
    "sources": SourceApplier,
    "courses": CourseApplier,
    "enrollments": EnrollmentApplier,
    "admissions": AdmissionApplier,
    "confirmations": ConfirmationApplier,
    "transfers": TransferApplier,
    "targets": TargetApplier,
}
