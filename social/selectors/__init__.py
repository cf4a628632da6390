"""Reads shared by the social app's views, e-mails and (later) the reports app."""

from social.selectors.checks import questions_for, terms_for
from social.selectors.requests import (
    approval_by_reference,
    awaiting_decision_by,
    decider_unit_for,
    deciders_of,
    deciders_over,
    delegates_over,
    escalation_target,
    get_request_for,
    history_of,
    is_delegate_over,
    may_decide,
    open_requests_of,
    requests_visible_to,
    with_age,
)

__all__ = [
    "approval_by_reference",
    "awaiting_decision_by",
    "decider_unit_for",
    "deciders_of",
    "deciders_over",
    "delegates_over",
    "escalation_target",
    "get_request_for",
    "history_of",
    "is_delegate_over",
    "may_decide",
    "open_requests_of",
    "questions_for",
    "requests_visible_to",
    "terms_for",
    "with_age",
]
