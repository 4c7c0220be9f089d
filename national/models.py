"""The national platform's person query keeps no tables of its own: it answers from the registry, the enrollments,
the employee years and the hardship identities, or from the platform itself. Each answer is recorded in the
personal-data access record (accounts.PersonalDataView) by the API's renderers."""
