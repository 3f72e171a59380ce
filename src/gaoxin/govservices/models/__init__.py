"""Tables of the government services pillar: the catalogue, cases, e-licences, ratings and supervision cards."""

from .bundles import (
    Bundle,
    BundleCase,
    BundleCaseFile,
    BundleCaseMember,
    BundleEvent,
    BundleMaterial,
    BundleMember,
)
from .cases import (
    AgentAuthorisation,
    Case,
    CaseEvent,
    CaseMaterial,
    CaseStage,
    StageOpinion,
    SubmissionKey,
    Verification,
)
from .catalogue import ItemVersion, MaterialSpec, ServiceItem, StageDepartment, StageSpec
from .drafts import ApplicationDraft, ApplicationDraftFile
from .hall import Appointment, Hall, KioskCode, Ticket, TicketEvent, Window
from .licences import Licence
from .ratings import Rating, Rectification, RectificationEvent
from .supervision import Card
from .tracks import ProjectTrack, TrackCase, TrackStage

__all__ = [
    "Appointment",
    "Hall",
    "KioskCode",
    "Ticket",
    "TicketEvent",
    "Window",
    "AgentAuthorisation",
    "Card",
    "ApplicationDraft",
    "ApplicationDraftFile",
    "Bundle",
    "BundleCase",
    "BundleCaseFile",
    "BundleCaseMember",
    "BundleEvent",
    "BundleMaterial",
    "BundleMember",
    "Case",
    "CaseEvent",
    "CaseMaterial",
    "CaseStage",
    "ItemVersion",
    "Licence",
    "ProjectTrack",
    "MaterialSpec",
    "Rating",
    "Rectification",
    "RectificationEvent",
    "ServiceItem",
    "StageDepartment",
    "StageOpinion",
    "StageSpec",
    "SubmissionKey",
    "TrackCase",
    "TrackStage",
    "Verification",
]
