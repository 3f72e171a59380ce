from .registry import ClassificationEvent, Enterprise, Industry, IntellectualProperty, Park, Qualification
from .reporting import ANNUAL, Report, ReportEvent, ReportForm, ReportRevision

__all__ = [
    "ANNUAL",
    "ClassificationEvent",
    "Enterprise",
    "Industry",
    "IntellectualProperty",
    "Park",
    "Qualification",
    "Report",
    "ReportEvent",
    "ReportForm",
    "ReportRevision",
]
