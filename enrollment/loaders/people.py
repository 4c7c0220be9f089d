"""The row checks the enrollment loaders share on their staging table: the person a row names must be in the
registry, registered or living in the importing county."""

from bulk.staging import OUTCOME_ERROR, Stage
from enrollment.models import Resident


def registry_person_checks(stage: Stage, *, county_code: str, unknown_person: str, outside_county: str) -> None:
    """Refuse, with the loader's own words, the rows whose ID number is not in the registry, and those of a person
    whose household and residence both lie outside the county."""
    resident_table = Resident._meta.db_table
    scope = f"{county_code}%"
    stage.execute(
        f"""
        UPDATE {{stage}} SET outcome = %s, problem = %s
        WHERE outcome IS NULL
          AND NOT EXISTS (SELECT 1 FROM {resident_table} r WHERE r.id_number = {{stage}}.id_number)
        """,
        [OUTCOME_ERROR, unknown_person],
    )
    stage.execute(
        f"""
        UPDATE {{stage}} SET outcome = %s, problem = %s
        WHERE outcome IS NULL AND EXISTS (
            SELECT 1 FROM {resident_table} r
            WHERE r.id_number = {{stage}}.id_number
              AND r.household_division_id NOT LIKE %s
              AND (r.residence_division_id IS NULL OR r.residence_division_id NOT LIKE %s))
        """,
        [OUTCOME_ERROR, outside_county, scope, scope],
    )
