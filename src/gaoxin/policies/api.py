from ninja import Router

router = Router(tags=["惠企政策"])
