from tests.govservices.conftest import gz  # noqa: F401  the seeded catalogue, for its import and export
