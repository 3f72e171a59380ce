import pytest

from tests.talent.builders import talent_zone


@pytest.fixture
def tz(db):
    return talent_zone()
