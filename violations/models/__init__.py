"""The violations app's models, by concern: cases and their history, the rule sets
(the law as data), the records of the discipline procedure."""

from violations.models.cases import (  # noqa: F401
    Category,
    Channel,
    Event,
    Evidence,
    Platform,
    Report,
    State,
    evidence_storage,
)
from violations.models.identity import IdentityHandler, SealedIdentity  # noqa: F401, E402
from violations.models.procedure import (  # noqa: F401
    CouncilSession,
    Decision,
    Deferral,
    Extension,
    ReviewMeeting,
)
from violations.models.rules import (  # noqa: F401
    ANY_KIND,
    Clock,
    DeferralCase,
    Measure,
    MeasureCode,
    RuleChange,
    RuleSet,
    Severity,
)
