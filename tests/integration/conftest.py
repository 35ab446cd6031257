import pytest


@pytest.fixture(autouse=True)
def _every_test_gets_a_clean_database(clean_db: None) -> None:
    """Database tests start from empty tables (schema migrated once per run)."""
