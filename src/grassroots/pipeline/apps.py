from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "grassroots.pipeline"
    label = "pipeline"
