"""API of accounts: bearer tokens and the current user."""

import datetime as dt

from ninja import Field, Router, Status
from ninja.pagination import paginate

from gaoxin.core.errors import NotFound
from gaoxin.core.pagination import Page
from gaoxin.core.schemas import ObjectId, Schema

from . import selectors, services

router = Router(tags=["账户"])


class TokenIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=200)
    otp: str | None = Field(None, max_length=10, description="已启用动态口令的账户须提供")
    name: str = Field("", max_length=60, description="令牌用途说明")


class TokenOut(Schema):
    token: str
    token_id: int
    expires_at: dt.datetime


@router.post("/token", response={201: TokenOut}, auth=None, summary="用户名密码换取令牌")
def token_create(request, payload: TokenIn):
    user = services.login_check(
        request=request, username=payload.username, password=payload.password, otp=payload.otp
    )
    token, key = services.token_issue(user=user, name=payload.name)
    return Status(201, {"token": key, "token_id": token.pk, "expires_at": token.expires_at})


class TokenRow(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


@router.get("/tokens", response=list[TokenRow], summary="我的令牌")
@paginate(Page)
def token_list(request):
    return list(selectors.token_list(user=request.user))


@router.delete("/tokens/{token_id}", response={204: None}, summary="吊销令牌")
def token_revoke(request, token_id: ObjectId):
    token = selectors.token_list(user=request.user).filter(pk=token_id).first()
    if token is None:
        raise NotFound("未找到该令牌")
    services.token_revoke(actor=request.user, token=token)
    return Status(204, None)


class RoleOut(Schema):
    role: str
    role_name: str
    department: str


class MeOut(Schema):
    username: str
    name: str
    kind: str
    department: str | None
    roles: list[RoleOut]
    enterprise_uscc: str | None
    enterprise_name: str | None
    claimed_uscc: str | None
    id_card_masked: str | None
    home: str


@router.get("/me", response=MeOut, summary="当前用户")
def me(request):
    return selectors.user_profile(user=request.user)
