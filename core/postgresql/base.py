"""Django's PostgreSQL backend, but for one thing: the GROUP BY of a model whose table is partitioned.

Django groups a query on a model by its primary key alone, since PostgreSQL takes every other column of the table
as determined by it. A table partitioned by a column other than its key has that column in its primary key
(`enrollment_enrollment`: (id, insurance_year)), so PostgreSQL refuses a GROUP BY on `id` alone; for a model that
names its partition key (`db_partition_key`), Django names every selected column instead.
"""

from django.db.backends.postgresql import base, features
from django.db.models import Model


class DatabaseFeatures(features.DatabaseFeatures):
    def allows_group_by_selected_pks_on_model(self, model: type[Model]) -> bool:
        return bool(super().allows_group_by_selected_pks_on_model(model)) and not getattr(
            model, "db_partition_key", None
        )


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
