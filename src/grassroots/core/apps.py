import gc

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "grassroots.core"
    label = "core"
    verbose_name = "Grassroots"

    def ready(self):
        from . import labels

        labels.install()
        # Last of the apps to be ready: what start-up made (Django's and our modules,
        # models, translations) lives as long as the process. Frozen, the cycle collector
        # no longer walks it at each full collection, which a long import or export
        # otherwise pays several times (bench/README, the import bench).
        gc.freeze()
