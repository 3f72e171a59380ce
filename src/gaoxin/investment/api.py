from ninja import Router

router = Router(tags=["招商引资"])
