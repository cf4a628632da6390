"""The social app's business actions (one function each, keyword-only arguments)."""

from social.services.checks import selfcheck_run
from social.services.requests import (
    APPROVE,
    CHANGES,
    DECLINE,
    delegate_add,
    delegate_revoke,
    post_request_decide,
    post_request_escalate_pass,
    post_request_resubmit,
    post_request_submit,
)

__all__ = [
    "APPROVE",
    "CHANGES",
    "DECLINE",
    "delegate_add",
    "delegate_revoke",
    "post_request_decide",
    "post_request_escalate_pass",
    "post_request_resubmit",
    "post_request_submit",
    "selfcheck_run",
]
