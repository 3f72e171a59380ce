from ninja import Router

router = Router(tags=["经济运行"])
