from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = "目标与进度"

    def ready(self) -> None:
        # The coverage tables of the apps below this one show the targets kept here.
        from enrollment.coverage import coverage_targets_lookup_register

        from .selectors.targets import coverage_targets_get

        coverage_targets_lookup_register(coverage_targets_get)

        from .todos import todos_register

        todos_register()  # the home page's lines of divisions behind time progress and stale snapshots
