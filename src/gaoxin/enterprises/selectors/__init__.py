from .registry import (
    active_qualifications,
    class_event_list,
    enterprise_get,
    enterprise_list,
    expiring_qualifications,
    zone_overview,
)

__all__ = [
    "active_qualifications",
    "class_event_list",
    "enterprise_get",
    "enterprise_list",
    "expiring_qualifications",
    "zone_overview",
]
