from core.choices import Platform
from social.models.accounts import AccountEvent, AccountReview, OfficialAccount
from social.models.checks import CheckQuestion, FlagTerm, SelfCheckTally, TermKind
from social.models.contacts import CONTACT_FIELDS, ContactsChange, UnitContacts
from social.models.incidents import (
    OFFICIAL_KINDS,
    AccountIncident,
    IncidentEvent,
    IncidentKind,
    IncidentState,
    IncidentStep,
)
from social.models.requests import (
    OPEN_REQUEST_STATES,
    PostingDelegate,
    PostRequest,
    PostRequestEvent,
    PostRequestImage,
    RequestState,
)

__all__ = [
    "AccountEvent",
    "AccountReview",
    "OfficialAccount",
    "CONTACT_FIELDS",
    "ContactsChange",
    "UnitContacts",
    "OFFICIAL_KINDS",
    "AccountIncident",
    "IncidentEvent",
    "IncidentKind",
    "IncidentState",
    "IncidentStep",
    "CheckQuestion",
    "FlagTerm",
    "SelfCheckTally",
    "TermKind",
    "OPEN_REQUEST_STATES",
    "Platform",
    "PostRequest",
    "PostRequestEvent",
    "PostRequestImage",
    "PostingDelegate",
    "RequestState",
]
