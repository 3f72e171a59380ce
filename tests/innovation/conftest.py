import pytest

from tests.innovation.builders import innovation_zone


@pytest.fixture
def iz(db):
    return innovation_zone()
