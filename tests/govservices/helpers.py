import io
import json

from django.test import Client

from tests.factories import DEFAULT_PASSWORD
from tests.govservices.builders import PDF


def client_for(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=DEFAULT_PASSWORD)
    return c


def pdf(name="a.pdf", content=PDF):
    f = io.BytesIO(content)
    f.name = name
    return f


def submit(c: Client, item: str, *, files=None, key=None, prefer=None, **payload):
    body = {"payload": json.dumps({"item": item, "data": {"project": "示例项目"}, **payload})}
    for order, f in (files or {}).items():
        body[f"file_{order}"] = f
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    if prefer:
        headers["HTTP_PREFER"] = prefer
    return c.post("/api/v1/cases", body, **headers)


def act(c: Client, number: str, action: str, **payload):
    return c.post(
        f"/api/v1/cases/{number}/actions/{action}", json.dumps(payload), content_type="application/json"
    )
