"""A kiosk-capable 即办件 that issues a licence on the spot, and a citizen with a phone for the code."""

import re

from gaoxin.core.models import Message
from gaoxin.govservices.services.kiosk import item_kiosk_set
from tests.factories import citizen_user
from tests.govservices.builders import material, publish_item

KIOSK_ITEM = "000000000009"
ID_CARD = "450203199004120355"


def kiosk_world(admin, department):
    publish_item(
        admin,
        KIOSK_ITEM,
        "个体工商户登记",
        department,
        handling="instant",
        materials=[material(1, "身份证照片")],
        result_type="licence",
        result_name="个体工商户营业执照",
    )
    item_kiosk_set(actor=admin, code=KIOSK_ITEM)
    person = citizen_user("kiosk_person", ID_CARD)
    person.phone = "13907720000"
    person.save(update_fields=["phone"])
    return person


def last_code(user) -> str:
    subject = Message.objects.filter(recipient=user).latest("created_at", "id").subject
    found = re.search(r"\d{6}", subject)
    assert found, subject
    return found.group(0)
