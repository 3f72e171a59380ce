import pytest

from tests.factories import citizen_user, enterprise_user
from tests.govservices.builders import zone


@pytest.fixture
def gz(db):
    depts, people, items = zone()
    people["ent"] = enterprise_user("ent", "91350100M000100Y43", "示例科技有限公司")
    people["ent_op"] = enterprise_user("ent_op", "91350100M000100Y43", "示例科技有限公司", legal_rep=False)
    people["ent2"] = enterprise_user("ent2", "91450200MA5N00007X", "另一家公司")
    people["citizen"] = citizen_user("citizen", "11010519491231002X")
    return {"d": depts, "p": people, "items": items}
