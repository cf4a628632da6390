"""The one settings module. Every value that differs between machines comes from the
environment through the helpers in env.py; README.md lists them all."""

import base64
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from conduct_portal.env import env_bool, env_choices, env_int, env_list, env_str, parse_keys

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-never-used-with-debug-off"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "organization.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "treebeard",
    "django_ratelimit",
    "csp",
    "conduct_portal",
    "core",
    "organization",
    "directives",
    "acknowledgements",
    "violations",
    "social",
    "reports",
    "privacy",
]

MIDDLEWARE = [
    "conduct_portal.middleware.HealthCheckMiddleware",
    "conduct_portal.middleware.DatabaseErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.RequestSizeLimitMiddleware",
    "core.audit.AuditContextMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "conduct_portal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "organization.middleware.RequireMFAMiddleware",
    "core.middleware.PdfToolsMissingMiddleware",
]

ROOT_URLCONF = "conduct_portal.urls"
WSGI_APPLICATION = "conduct_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organization.context_processors.roles",
            ],
        },
    },
]
# Every form gets an error summary linked to its fields (core/forms.py).
FORM_RENDERER = "core.forms.PortalFormRenderer"

# The embedded default is SQLite, so `make run` needs no server.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Redis, and this process's memory while Redis is unreachable (core/cache.py), so
    # log-in and rate limits keep working through an outage.
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "organization.Person"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 8 if DEBUG else 12, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail and password only; accounts come from the organisation.
ACCOUNT_ADAPTER = "organization.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    name: f"organization.forms.{form}"
    for name, form in {
        "login": "LoginForm", "change_password": "ChangePasswordForm",
        "reset_password": "ResetPasswordForm", "reset_password_from_key": "ResetPasswordKeyForm",
    }.items()
}  # fmt: skip
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# Failed log-ins: a generous limit per client address (behind a proxy, see
# TRUSTED_CLIENT_IP_HEADER), and per account a delay that doubles with each failure
# (core/throttle.py) instead of a lock-out that a colleague could trigger.
# An office behind one NAT address logs in at 08:00 all at once: allauth's default of
# 30 log-ins a minute per address would turn most of them away.
ACCOUNT_RATE_LIMITS = {
    "login": env_str("LOGIN_ADDRESS_RATE", "600/m/ip"),
    "login_failed": env_str("LOGIN_RATE_LIMIT", "30/m/ip"),
    "reset_password": "5/m/ip,3/m/key",
    "change_password": "5/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Cổng quy tắc ứng xử")
LOGIN_DELAY_AFTER = env_int("LOGIN_DELAY_AFTER", 3, minimum=1)
LOGIN_DELAY_SECONDS = env_int("LOGIN_DELAY_SECONDS", 10, minimum=1)
LOGIN_DELAY_MAX_SECONDS = env_int("LOGIN_DELAY_MAX_SECONDS", 300, minimum=1)
# Roles that must use TOTP: they set it up before anything else, and every page needs
# a session that passed it. Unit heads see reporters and evidence, so they are in.
MFA_REQUIRED_ROLES = env_choices(
    "MFA_REQUIRED_ROLES", "" if DEBUG else "administrator,inspector,unit_head",
    {"administrator", "inspector", "unit_head"},
)  # fmt: skip
# Imported addresses are the organisation's and count as verified (see services),
# so this only matters for accounts made before that.
MFA_ALLOW_UNVERIFIED_EMAIL = False
# How e-mails and the log-in page name the portal, and whom they tell people to ask
# for an account or help. New people get an invitation whose link sets their
# password and works for INVITATION_DAYS (organization/tokens.py; a reset link asked
# for on the log-in page keeps Django's PASSWORD_RESET_TIMEOUT).
PORTAL_NAME = env_str("PORTAL_NAME", "Cổng quy tắc ứng xử")
PORTAL_CONTACT = env_str("PORTAL_CONTACT", "bộ phận tổ chức cán bộ của cơ quan bạn")
INVITATION_DAYS = env_int("INVITATION_DAYS", 7, minimum=1)
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "organization.tokens.ResetOrInvitationTokenGenerator"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{PORTAL_NAME}] "

LANGUAGE_CODE = "vi"
# Each language named in itself, whatever the page's language: someone who reads only
# English must find "English" on a Vietnamese page.
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# The choice is remembered for a year (Django's default forgets it with the browser).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["conduct_portal.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded files (evidence, attachments) live outside every served URL and are
# handed out only by views that check the viewer's scope.
PRIVATE_STORAGE_ROOT = Path(env_str("PRIVATE_STORAGE_ROOT", str(BASE_DIR / "private")))
PDF_FONT_DIR = BASE_DIR / "assets" / "fonts"

# With a server: Django's SMTP backend, writing the portal's e-mails to bytes itself
# (core/smtp.py); without one, e-mails are printed.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if not env_str("EMAIL_HOST") else "core.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Cổng quy tắc ứng xử <no-reply@localhost>")

# Celery: Redis when REDIS_URL is set, otherwise tasks run eagerly in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "conduct_portal.heartbeat", "schedule": crontab(minute="*/5")},
}
# The outbox (core/outbox.py): a claimed e-mail is retried with a backoff doubling
# from 1 minute up to OUTBOX_RETRY_MAX_MINUTES, and after OUTBOX_GIVE_UP_HOURS it is
# shown to administrators as failed; one left "sending" by a dead worker for
# OUTBOX_STUCK_MINUTES is sent again. The sweep runs every OUTBOX_SWEEP_MINUTES.
OUTBOX_GIVE_UP_HOURS = env_int("OUTBOX_GIVE_UP_HOURS", 24, minimum=1)
OUTBOX_RETRY_MAX_MINUTES = env_int("OUTBOX_RETRY_MAX_MINUTES", 120, minimum=1)
OUTBOX_STUCK_MINUTES = env_int("OUTBOX_STUCK_MINUTES", 10, minimum=1)
OUTBOX_SWEEP_MINUTES = env_int("OUTBOX_SWEEP_MINUTES", 2, minimum=1)
CELERY_BEAT_SCHEDULE["import-jobs-sweep"] = {
    "task": "directives.import_jobs_sweep",
    "schedule": crontab(minute=f"*/{OUTBOX_SWEEP_MINUTES}"),
}
CELERY_BEAT_SCHEDULE["outbox-sweep"] = {
    "task": "core.outbox_sweep",
    "schedule": crontab(minute=f"*/{OUTBOX_SWEEP_MINUTES}"),
}
# A send task whose worker dies is redelivered after this many seconds (Redis), not an hour.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600, minimum=60)}
# A broker that is down makes enqueueing fail fast: the outbox keeps the rows.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
# /healthz?worker=1 reports an error when no worker ran the heartbeat for this long.
WORKER_HEARTBEAT_MAX_AGE = env_int("WORKER_HEARTBEAT_MAX_AGE", 900, minimum=60)

SESSION_COOKIE_HTTPONLY = True
# An idle session ends after SESSION_IDLE_HOURS: every request renews the expiry.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_HOURS", 4, minimum=1) * 3600
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# A request body larger than this is refused before it is read (core/middleware.py);
# set the proxy's limit (nginx: client_max_body_size) to the same value.
REQUEST_MAX_MB = env_int("REQUEST_MAX_MB", 50, minimum=1)
# Content-Security-Policy (django-csp): the templates carry no inline script or
# style; the TOTP set-up shows its QR code as a data: image.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone",
        "payment", "usb", "interest-cohort",
    )
}  # fmt: skip
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# The client address behind a proxy (core/http.py): the header the proxy sets, or the
# number of proxies that append to X-Forwarded-For. Neither is trusted unless set.
TRUSTED_CLIENT_IP_HEADER = env_str("TRUSTED_CLIENT_IP_HEADER", "")
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs each step of every PDF at INFO, and its font subsetting
    # (fontTools) every font table.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

DIRECTIVE_MAX_UPLOAD_MB = env_int("DIRECTIVE_MAX_UPLOAD_MB", 20, minimum=1)
# Importer budgets (directives/importer/reading.py and isolated.py): text length,
# what a .docx may unpack to, PDF pages and decoded page content, and the time and
# address space of the child process that parses an uploaded file.
DIRECTIVE_MAX_TEXT_CHARS = env_int("DIRECTIVE_MAX_TEXT_CHARS", 300_000, minimum=1000)
DIRECTIVE_MAX_UNCOMPRESSED_MB = env_int("DIRECTIVE_MAX_UNCOMPRESSED_MB", 50, minimum=1)
DIRECTIVE_MAX_ARCHIVE_MEMBERS = env_int("DIRECTIVE_MAX_ARCHIVE_MEMBERS", 1000, minimum=10)
DIRECTIVE_MAX_PDF_PAGES = env_int("DIRECTIVE_MAX_PDF_PAGES", 100, minimum=1)
DIRECTIVE_MAX_PDF_CONTENT_MB = env_int("DIRECTIVE_MAX_PDF_CONTENT_MB", 4, minimum=1)
DIRECTIVE_IMPORT_TIMEOUT_S = env_int("DIRECTIVE_IMPORT_TIMEOUT_S", 60, minimum=1)
DIRECTIVE_IMPORT_MEMORY_MB = env_int("DIRECTIVE_IMPORT_MEMORY_MB", 512, minimum=64)
# Old Word/.odt/.rtf go through LibreOffice and scans through Tesseract (Debian:
# libreoffice-writer-nogui, tesseract-ocr, tesseract-ocr-vie), inside that child
# process; each run of a tool has its own time limit, and OCR a page limit. Empty
# program paths mean "soffice" and "tesseract" on PATH.
DIRECTIVE_SOFFICE = env_str("DIRECTIVE_SOFFICE", "")
DIRECTIVE_TESSERACT = env_str("DIRECTIVE_TESSERACT", "")
DIRECTIVE_TOOL_TIMEOUT_S = env_int("DIRECTIVE_TOOL_TIMEOUT_S", 45, minimum=1)
DIRECTIVE_MAX_OCR_PAGES = env_int("DIRECTIVE_MAX_OCR_PAGES", 10, minimum=1)

# Reminders and escalation (acknowledgements/reminders.py). Days before the due date
# and the overdue cadence. Beat ticks every 15 minutes; the day's pass runs once, at
# the first tick at or after REMINDER_HOUR local time (core/periodic.py), so a tick
# missed at the hour is made up at the next one.
REMINDER_DAYS_BEFORE = [int(day) for day in env_list("REMINDER_DAYS_BEFORE", "7,1")]
REMINDER_OVERDUE_EVERY_DAYS = env_int("REMINDER_OVERDUE_EVERY_DAYS", 3, minimum=1)
REMINDER_OVERDUE_MAX = env_int("REMINDER_OVERDUE_MAX", 5, minimum=0)
ESCALATION_AFTER_DAYS = env_int("ESCALATION_AFTER_DAYS", 3, minimum=0)
ESCALATION_EVERY_DAYS = env_int("ESCALATION_EVERY_DAYS", 7, minimum=1)
REMINDER_HOUR = env_int("REMINDER_HOUR", 8, minimum=0)
CELERY_BEAT_SCHEDULE["reminder-pass"] = {
    "task": "acknowledgements.reminder_pass",
    "schedule": crontab(minute="*/15"),
}


# The acknowledgement chain (acknowledgements/chain.py). ACK_CHAIN_KEYS holds the
# HMAC-SHA256 keys as "id:base64secret,id:base64secret": the first signs new records
# and checkpoints, all of them verify. The plain id "s0" (no secret) stands for a key
# derived from SECRET_KEY, which is also the default, so `make run` needs nothing;
# production should set its own key, kept out of the database and its backups.
# Signed checkpoints of the chain head go to ACK_CHECKPOINT_DIR daily at
# ACK_CHECKPOINT_HOUR and are e-mailed to the inspectors of the root units.
ACK_CHAIN_KEYS = parse_keys(
    env_str("ACK_CHAIN_KEYS"), name="ACK_CHAIN_KEYS", secret_key=SECRET_KEY,
    derive=b"acknowledgements.chain.s0", reserved=("v1",),
)  # fmt: skip
ACK_CHECKPOINT_DIR = Path(env_str("ACK_CHECKPOINT_DIR", str(PRIVATE_STORAGE_ROOT / "checkpoints")))
ACK_CHECKPOINT_HOUR = env_int("ACK_CHECKPOINT_HOUR", 1, minimum=0)
# Like the reminder pass: a tick every 15 minutes, the checkpoint once a day after the hour.
CELERY_BEAT_SCHEDULE["acknowledgement-checkpoint"] = {
    "task": "acknowledgements.checkpoint",
    "schedule": crontab(minute="*/15"),
}
# Records are linked into the chain after their commit (acknowledgements/chain.py):
# by the request that made them (ACK_LINK_IN_REQUEST, the default, which `make run`
# needs), or, in production, by the Procfile's `linker` process, woken by PostgreSQL
# on every commit that queued records, which leaves the web workers only their own
# writes. The beat links, every minute, what anything left waiting; the verifier
# reports a record still waiting after ACK_LINK_GRACE_MINUTES.
ACK_LINK_IN_REQUEST = env_bool("ACK_LINK_IN_REQUEST", True)
ACK_LINK_GRACE_MINUTES = env_int("ACK_LINK_GRACE_MINUTES", 10, minimum=2)
CELERY_BEAT_SCHEDULE["acknowledgement-link"] = {
    "task": "acknowledgements.link",
    "schedule": crontab(minute="*"),
}
# The password "signature" on acknowledgements (core/throttle.py, like log-in): after
# this many wrong passwords the account waits ACK_SIGNATURE_WINDOW_MINUTES before the
# next try, and each further wrong one doubles the wait (at most a day).
ACK_SIGNATURE_MAX_FAILURES = env_int("ACK_SIGNATURE_MAX_FAILURES", 5, minimum=1)
ACK_SIGNATURE_WINDOW_MINUTES = env_int("ACK_SIGNATURE_WINDOW_MINUTES", 15, minimum=1)
# Implementation reports: the attachment's size limit (checked by core/uploads.py).
REPORT_ATTACHMENT_MAX_MB = env_int("REPORT_ATTACHMENT_MAX_MB", 20, minimum=1)

# Violation cases: days a head has to review a case, evidence size limit, and the
# rate of anonymous reports and follow-ups per client address.
VIOLATION_REVIEW_DAYS = env_int("VIOLATION_REVIEW_DAYS", 15, minimum=1)
VIOLATION_REMIND_DAYS_BEFORE = env_int("VIOLATION_REMIND_DAYS_BEFORE", 3, minimum=0)
EVIDENCE_MAX_MB = env_int("EVIDENCE_MAX_MB", 20, minimum=1)
ANONYMOUS_RATE = env_str("ANONYMOUS_RATE", "5/h")
# Files on one case, counting those it already has (each up to EVIDENCE_MAX_MB), and
# cases one signed-in person may open (django-ratelimit rate, keyed by the account).
EVIDENCE_MAX_FILES = env_int("EVIDENCE_MAX_FILES", 10, minimum=1)
CASE_CREATE_RATE = env_str("CASE_CREATE_RATE", "10/h")
# The violation review pass runs once a day at the first tick after REMINDER_HOUR
# (core/periodic.py); ticking every 15 minutes makes up a tick lost to a Redis outage.
CELERY_BEAT_SCHEDULE["violation-review-pass"] = {
    "task": "violations.review_pass",
    "schedule": crontab(minute="*/15"),
}
# Discipline and denunciations (violations/clocks.py; README "Discipline and
# denunciations"). The legal periods are rule data; these are the ones the portal
# could not confirm in the text, kept as settings for the agency's legal staff:
# the working days the person reported has to explain (giải trình), and the working
# days to tell a denouncer the denunciation was accepted (Luật Tố cáo 2018, Art. 29,
# as read, to be confirmed). Reminders go out this many days before a legal time
# limit; escalation to the heads of the unit above the day after it.
VIOLATION_HEARING_WORKING_DAYS = env_int("VIOLATION_HEARING_WORKING_DAYS", 5, minimum=1)
DENUNCIATION_NOTIFY_WORKING_DAYS = env_int("DENUNCIATION_NOTIFY_WORKING_DAYS", 5, minimum=1)
VIOLATION_LIMIT_REMIND_DAYS = env_int("VIOLATION_LIMIT_REMIND_DAYS", 10, minimum=0)
# Procedure documents (minutes, signed decisions): size limit, checked by core/uploads.py.
VIOLATION_DOCUMENT_MAX_MB = env_int("VIOLATION_DOCUMENT_MAX_MB", 20, minimum=1)


# Reporter identities (violations/identity.py) are sealed with Fernet keys kept out
# of the database: "id:urlsafe-base64-32-bytes,…", the first seals, all open. The
# plain id "s0" (the default) is derived from SECRET_KEY, so `make run` needs
# nothing; production sets its own and keeps the old ones after it to rotate.
# Fernet wants its 32-byte keys urlsafe-base64 encoded.
REPORTER_IDENTITY_KEYS = {
    key_id: base64.urlsafe_b64encode(secret)
    for key_id, secret in parse_keys(
        env_str("REPORTER_IDENTITY_KEYS"), name="REPORTER_IDENTITY_KEYS", secret_key=SECRET_KEY,
        derive=b"violations.identity.s0", exact=True,
    ).items()
}  # fmt: skip
# Retention of personal data (Law 91/2025/QH15; privacy/retention.py gives each
# period's basis, README "Discipline and denunciations" the table), in years from
# the day the period starts. The purge runs once a day after PRIVACY_PURGE_HOUR.
RETENTION_CASE_DISCIPLINE_YEARS = env_int("RETENTION_CASE_DISCIPLINE_YEARS", 10, minimum=1)
RETENTION_CASE_OTHER_YEARS = env_int("RETENTION_CASE_OTHER_YEARS", 5, minimum=1)
RETENTION_CASE_DISMISSED_YEARS = env_int("RETENTION_CASE_DISMISSED_YEARS", 2, minimum=1)
RETENTION_ANONYMOUS_YEARS = env_int("RETENTION_ANONYMOUS_YEARS", 1, minimum=1)
RETENTION_EVIDENCE_YEARS = env_int("RETENTION_EVIDENCE_YEARS", 2, minimum=1)
RETENTION_ACKNOWLEDGEMENT_YEARS = env_int("RETENTION_ACKNOWLEDGEMENT_YEARS", 5, minimum=1)
# At least 1: the audit trail's trigger refuses to delete a row younger than a year.
RETENTION_AUDIT_YEARS = env_int("RETENTION_AUDIT_YEARS", 5, minimum=1)
PRIVACY_PURGE_HOUR = env_int("PRIVACY_PURGE_HOUR", 3, minimum=0)
if PRIVACY_PURGE_HOUR > 23:
    raise ImproperlyConfigured(f"PRIVACY_PURGE_HOUR must be an hour of the day (0-23), not {PRIVACY_PURGE_HOUR}")
CELERY_BEAT_SCHEDULE["privacy-purge"] = {"task": "privacy.purge_pass", "schedule": crontab(minute="*/15")}
# Without Redis (the embedded default: one process) the local-memory cache is the
# rate limiter's store; with REDIS_URL the shared Redis cache is, and the checks run.
SILENCED_SYSTEM_CHECKS = [] if REDIS_URL else ["django_ratelimit.E003", "django_ratelimit.W001"]
# With the cache down, django-ratelimit would refuse everyone ("too many reports");
# the anonymous channel and case intake must keep working through a Redis outage.
RATELIMIT_FAIL_OPEN = True

# Social media (social/). Permission to post agency work (3821/TCT-KTNB §2): a
# request unanswered for SOCIAL_REQUEST_ESCALATE_DAYS goes to the unit above. Images
# with a request: at most SOCIAL_IMAGE_MAX_FILES of SOCIAL_IMAGE_MAX_MB each.
SOCIAL_REQUEST_ESCALATE_DAYS = env_int("SOCIAL_REQUEST_ESCALATE_DAYS", 2, minimum=1)
SOCIAL_IMAGE_MAX_MB = env_int("SOCIAL_IMAGE_MAX_MB", 10, minimum=1)
SOCIAL_IMAGE_MAX_FILES = env_int("SOCIAL_IMAGE_MAX_FILES", 5, minimum=1)
# The daily social pass (escalations, account review reminders) runs at the first
# tick after REMINDER_HOUR (core/periodic.py).
CELERY_BEAT_SCHEDULE["social-daily-pass"] = {"task": "social.daily_pass", "schedule": crontab(minute="*/15")}
# The private self-check of a draft: its longest draft, and the working hours
# (Monday to Friday, local time) inside which a post is flagged when a directive the
# person follows forbids social media during working hours (3821/TCT-KTNB §2: "Không
# dùng mạng xã hội trong giờ làm việc"; Hạ Lang 308/UBND-TH §2: 8 hours a day).
SOCIAL_CHECK_MAX_CHARS = env_int("SOCIAL_CHECK_MAX_CHARS", 10000, minimum=100)


def _working_hours(raw: str) -> list[tuple[int, int]]:
    import re

    spans = []
    for part in [item.strip() for item in raw.split(",") if item.strip()]:
        match = re.fullmatch(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})", part)
        if not match:
            raise ImproperlyConfigured(f"SOCIAL_WORKING_HOURS: {part!r} is not HH:MM-HH:MM")
        h1, m1, h2, m2 = (int(value) for value in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if not (0 <= start < end <= 24 * 60) or m1 > 59 or m2 > 59:
            raise ImproperlyConfigured(f"SOCIAL_WORKING_HOURS: {part!r} is not a span within a day")
        spans.append((start, end))
    return spans


SOCIAL_WORKING_HOURS = _working_hours(env_str("SOCIAL_WORKING_HOURS", "07:30-11:30,13:30-17:00"))
# Official accounts (Ninh Bình SNN letter: "quản lý, bảo mật tài khoản mạng xã hội"):
# heads review each account every SOCIAL_ACCOUNT_REVIEW_MONTHS (quarterly), reminded
# SOCIAL_ACCOUNT_REMIND_DAYS_BEFORE days before and on the due day.
SOCIAL_ACCOUNT_REVIEW_MONTHS = env_int("SOCIAL_ACCOUNT_REVIEW_MONTHS", 3, minimum=1)
SOCIAL_ACCOUNT_REMIND_DAYS_BEFORE = env_int("SOCIAL_ACCOUNT_REMIND_DAYS_BEFORE", 7, minimum=0)

# Reports at scale (reports/). An export of more than EXPORT_BACKGROUND_ROWS rows is
# made by a Celery worker into EXPORT_DIR and offered for EXPORT_KEEP_DAYS days; a
# running export whose worker gave no sign of life for EXPORT_STALE_SECONDS is
# started again by the sweep, which also deletes expired files.
EXPORT_BACKGROUND_ROWS = env_int("EXPORT_BACKGROUND_ROWS", 50_000, minimum=0)
EXPORT_KEEP_DAYS = env_int("EXPORT_KEEP_DAYS", 7, minimum=1)
EXPORT_DIR = Path(env_str("EXPORT_DIR", str(PRIVATE_STORAGE_ROOT / "exports")))
EXPORT_STALE_SECONDS = env_int("EXPORT_STALE_SECONDS", 300, minimum=10)
CELERY_BEAT_SCHEDULE["reports-export-sweep"] = {"task": "reports.export_sweep", "schedule": crontab(minute="*/10")}
# Dashboards and exports read from a streaming replica when DATABASE_REPLICA_URL is
# set (core/routers.py); everything else stays on the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0), conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.routers.ReplicaRouter"]

# Directory sync (organization/directory.py, README "Accounts"): people come from an
# LDAP directory (Active Directory, OpenLDAP) when LDAP_URL is set. Entries matching
# LDAP_USER_FILTER under LDAP_BASE_DN map to units by LDAP_UNIT_ATTRIBUTE (its value
# is a Unit.code) or, when that is empty, by the nearest ou= of their DN. People of
# the LDAP_SYNC_UNITS subtrees (codes; empty: every unit) who have an address and are
# no longer in the directory are deactivated, never deleted. Once a day at the first
# 15-minute tick after LDAP_SYNC_HOUR (core/periodic.py).
LDAP_URL = env_str("LDAP_URL", "")
LDAP_BIND_DN = env_str("LDAP_BIND_DN", "")
LDAP_BIND_PASSWORD = env_str("LDAP_BIND_PASSWORD", "")
LDAP_BASE_DN = env_str("LDAP_BASE_DN", "")
LDAP_USER_FILTER = env_str("LDAP_USER_FILTER", "(objectClass=inetOrgPerson)")
LDAP_UNIT_ATTRIBUTE = env_str("LDAP_UNIT_ATTRIBUTE", "")
LDAP_NAME_ATTRIBUTE = env_str("LDAP_NAME_ATTRIBUTE", "cn")
LDAP_EMAIL_ATTRIBUTE = env_str("LDAP_EMAIL_ATTRIBUTE", "mail")
LDAP_POSITION_ATTRIBUTE = env_str("LDAP_POSITION_ATTRIBUTE", "title")
LDAP_STAFF_KIND_ATTRIBUTE = env_str("LDAP_STAFF_KIND_ATTRIBUTE", "employeeType")
LDAP_SYNC_UNITS = env_list("LDAP_SYNC_UNITS", "")
LDAP_TIMEOUT_S = env_int("LDAP_TIMEOUT_S", 15, minimum=1)
LDAP_SYNC_HOUR = env_int("LDAP_SYNC_HOUR", 2, minimum=0)
if LDAP_SYNC_HOUR > 23:
    raise ImproperlyConfigured(f"LDAP_SYNC_HOUR must be an hour of the day (0-23), not {LDAP_SYNC_HOUR}")
CELERY_BEAT_SCHEDULE["directory-sync"] = {"task": "organization.directory_sync", "schedule": crontab(minute="*/15")}
