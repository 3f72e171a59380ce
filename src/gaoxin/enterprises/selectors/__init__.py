from .registry import (
    active_qualifications,
    class_event_list,
    enterprise_get,
    enterprise_list,
    enterprise_names,
    enterprises_by_gbt,
    expiring_qualifications,
    registry_has,
    zone_overview,
)
from .reporting import annual_figures

__all__ = [
    "annual_figures",
    "enterprise_names",
    "enterprises_by_gbt",
    "registry_has",
    "active_qualifications",
    "class_event_list",
    "enterprise_get",
    "enterprise_list",
    "expiring_qualifications",
    "zone_overview",
]
