from social.models.checks import CheckQuestion, FlagTerm, SelfCheckTally, TermKind
from social.models.common import Platform
from social.models.requests import (
    OPEN_REQUEST_STATES,
    PostingDelegate,
    PostRequest,
    PostRequestEvent,
    PostRequestImage,
    RequestState,
)

__all__ = [
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
