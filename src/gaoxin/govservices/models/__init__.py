"""Tables of the government services pillar: the catalogue, cases and e-licences."""

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
from .licences import Licence

__all__ = [
    "AgentAuthorisation",
    "ApplicationDraft",
    "ApplicationDraftFile",
    "Case",
    "CaseEvent",
    "CaseMaterial",
    "CaseStage",
    "ItemVersion",
    "Licence",
    "MaterialSpec",
    "ServiceItem",
    "StageDepartment",
    "StageOpinion",
    "StageSpec",
    "SubmissionKey",
    "Verification",
]
