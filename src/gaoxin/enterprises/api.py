"""API of the enterprise registry."""

import datetime as dt

from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from . import selectors

router = Router(tags=["企业名录"])


class EnterpriseOut(Schema):
    uscc: str
    name: str
    legal_rep: str
    registered_on: dt.date
    industry: str | None
    park: str | None
    size: str
    above_scale: bool
    status: str

    @staticmethod
    def resolve_industry(obj):
        return obj.industry.name if obj.industry_id else None

    @staticmethod
    def resolve_park(obj):
        return obj.park.name if obj.park_id else None


class EnterpriseFilter(Schema):
    q: str = ""
    industry: str = ""


@router.get("/enterprises", response=list[EnterpriseOut], summary="企业名录查询")
@paginate(LimitOffsetPagination)
def enterprise_list(request, f: Query[EnterpriseFilter]):
    return selectors.enterprise_list(user=request.user, q=f.q[:60], industry=f.industry[:40])


@router.get("/enterprises/{uscc}", response=EnterpriseOut, summary="企业基本信息")
def enterprise_get(request, uscc: str):
    return selectors.enterprise_get(user=request.user, uscc=uscc)
