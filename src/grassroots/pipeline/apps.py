from django.apps import AppConfig

from grassroots import announcements
from grassroots.history import subjects
from grassroots.org import holdings
from grassroots.people import sections


class PipelineConfig(AppConfig):
    name = "grassroots.pipeline"
    label = "pipeline"

    def ready(self):
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_migrate

        from . import dues

        request_started.connect(dues.request_started, dispatch_uid="pipeline.dues.started")
        request_finished.connect(dues.request_finished, dispatch_uid="pipeline.dues.finished")
        post_migrate.connect(dues.after_migrate, sender=self, dispatch_uid="pipeline.dues.migrate")
        # A person's birth date counts for the age limit of their dossiers (pipeline.dues).
        announcements.subscribe(
            announcements.PERSON_CHANGED, "grassroots.pipeline.dues.on_person_changed"
        )
        sections.register("grassroots.pipeline.sections.pipeline_section")
        holdings.register_holding("grassroots.pipeline.restructuring.OpenDossiers")
        holdings.register_holding("grassroots.pipeline.restructuring.OpenSources")
        holdings.register_facts("grassroots.pipeline.restructuring.AdmissionFacts")
        subjects.register(
            "pipeline.source", unit="unit", person="person", export="sources", erasable=True
        )
        subjects.register("pipeline.course", unit="organizer")
        # Enrolments are seen by whoever sees the person (selectors.enrollments_for).
        subjects.register(
            "pipeline.enrollment",
            unit="person__unit",
            person="person",
            export="enrolments",
            erasable=True,
        )
        subjects.register(
            "pipeline.dossier", unit="unit", person="person", export="dossiers", erasable=True
        )
        subjects.register(
            "pipeline.dossierstep",
            unit="dossier__unit",
            person="dossier__person",
            export="dossier_steps",
            erasable=True,
        )
        subjects.register(
            "pipeline.failedcellvote",
            unit="dossier__unit",
            person="dossier__person",
            export="failed_cell_votes",
            erasable=True,
        )
        subjects.register("pipeline.admission", unit="unit", person="person", export="admissions")
        subjects.register(
            "pipeline.confirmation",
            unit="admission__unit",
            person="admission__person",
            export="confirmations",
        )
