from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "grassroots.history"
    label = "history"

    def ready(self):
        from django.db.models.signals import post_migrate, post_save, pre_migrate

        from . import generation

        # Not post_delete: a receiver for every model would stop Django's fast deletes
        # (a queryset's delete would load each row). Deletions of what pages show go
        # through services, which write history and so move the generation on.
        post_save.connect(generation.model_changed, dispatch_uid="history.generation.saved")
        pre_migrate.connect(generation.migrate_started, dispatch_uid="history.generation.pre")
        post_migrate.connect(generation.migrate_finished, dispatch_uid="history.generation.post")
