from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "grassroots.pipeline"
    label = "pipeline"

    def ready(self):
        from grassroots.people import sections

        from .sections import pipeline_section

        sections.register(pipeline_section)
