"""Pre-submission checks other pillars register (govservices never imports them).

A check is called as fn(version, applicant, identifier) inside the submission's transaction, before
the case is created, for every channel; it refuses by raising a DomainError with a Chinese message."""

from __future__ import annotations

from collections.abc import Callable

SubmissionCheck = Callable[..., None]

_submission_checks: list[SubmissionCheck] = []


def register_submission_check(fn: SubmissionCheck) -> SubmissionCheck:
    if fn not in _submission_checks:
        _submission_checks.append(fn)
    return fn


def run_submission_checks(version, applicant, identifier: str) -> None:
    for fn in list(_submission_checks):
        fn(version, applicant, identifier)


# A case listener is called as fn(step) inside every case transition, after the case's state moved
# and before it is saved (the bundle and the project track that hold the case follow it). It may
# refuse the transition by raising a DomainError.
CaseListener = Callable[..., None]

_case_listeners: list[CaseListener] = []


def register_case_listener(fn: CaseListener) -> CaseListener:
    if fn not in _case_listeners:
        _case_listeners.append(fn)
    return fn


def run_case_listeners(step) -> None:
    for fn in list(_case_listeners):
        fn(step)
