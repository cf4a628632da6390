"""The social app's business actions (one function each, keyword-only arguments)."""

from social.services.accounts import account_create, account_review, account_review_pass, account_update
from social.services.checks import selfcheck_run
from social.services.contacts import contacts_set
from social.services.incidents import incident_report, incident_resolve, incident_step_done
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
    "account_create",
    "account_review",
    "account_review_pass",
    "account_update",
    "contacts_set",
    "incident_report",
    "incident_resolve",
    "incident_step_done",
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
