from .catalogue import Budget, Clause, Policy
from .money import Award, AwardEvent, LedgerEntry, Notification, PaymentBatch, PaymentItem
from .premises import Building, FinancingNeed, Lease, Relief, ReliefScheme, Unit

__all__ = [
    "Award",
    "AwardEvent",
    "Budget",
    "Building",
    "Clause",
    "FinancingNeed",
    "LedgerEntry",
    "Lease",
    "Notification",
    "PaymentBatch",
    "PaymentItem",
    "Policy",
    "Relief",
    "ReliefScheme",
    "Unit",
]
