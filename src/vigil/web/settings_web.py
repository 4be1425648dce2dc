"""Settings of the web application, read at the end of `vigil.web.settings`.

Kept apart so that the base settings stay the short list the CLI and ingest
need. Front-end packages are served from `node_modules` (installed by
`npm ci` in `make setup`); nothing is fetched from elsewhere at run time.

In production (`VIGIL_ENV=production`) the site is HTTPS only, and
`VIGIL_ALLOWED_HOSTS` must name the hosts it answers to.
"""

from __future__ import annotations

import os
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

_PRODUCTION = os.environ.get("VIGIL_ENV", "development") == "production"
if _PRODUCTION and not os.environ.get("VIGIL_ALLOWED_HOSTS"):
    raise ImproperlyConfigured("VIGIL_ALLOWED_HOSTS must be set in production")

# src/vigil/web/settings_web.py -> the repository root, where package.json is.
NODE_MODULES = Path(
    os.environ.get("VIGIL_NODE_MODULES", Path(__file__).resolve().parents[3] / "node_modules")
)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a signed-in user unless its view says otherwise.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "vigil.web.accounts.middleware.SecondFactorRequiredMiddleware",
    "vigil.web.records.access.ReachPerRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "vigil.web.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
            "builtins": ["vigil.web.templatetags"],
        },
    }
]

# GOV.UK Frontend's and MoJ Frontend's compiled CSS ask for /assets/fonts and
# /assets/images, so their asset folders are served at the root of STATIC_URL.
STATIC_URL = "/assets/"
STATICFILES_DIRS = [
    NODE_MODULES / "govuk-frontend/dist/govuk/assets",
    NODE_MODULES / "@ministryofjustice/frontend/moj/assets",
    ("govuk", NODE_MODULES / "govuk-frontend/dist/govuk"),
    ("moj", NODE_MODULES / "@ministryofjustice/frontend/moj"),
    ("htmx", NODE_MODULES / "htmx.org/dist"),
    ("cytoscape", NODE_MODULES / "cytoscape/dist"),
    ("vega", NODE_MODULES / "vega/build"),
    ("vega-lite", NODE_MODULES / "vega-lite/build"),
    ("vega-embed", NODE_MODULES / "vega-embed/build"),
    ("vega-interpreter", NODE_MODULES / "vega-interpreter/build"),
    ("vigil", Path(__file__).resolve().parent / "static/vigil"),
]
# Served straight from the folders above: no collectstatic step to forget.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

# Sign-in: django-allauth, by email and password, then a second factor.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "vigil.web.accounts.adapter.NoSignupAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Per address and per account: a guessed password is slow to find.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "reset_password": "5/m/ip,3/m/key",
}
# The limits count in this cache: one per process, shared by all of waitress's threads.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = "Vigil"
# Browsers allow WebAuthn on http://localhost, which is how the tests run.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not _PRODUCTION

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Cookies: never readable by scripts, never sent cross-site, only over HTTPS
# (browsers treat http://localhost and 127.0.0.1 as secure, so local use works).
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if _PRODUCTION:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if os.environ.get("VIGIL_BEHIND_PROXY") == "1":
        # The proxy terminates TLS and says so in this header.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline script or style: GOV.UK Frontend's one inline script carries a nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # allauth shows the TOTP QR code as a data: image.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# An API push of a few thousand records is a few megabytes; forms are far smaller.
DATA_UPLOAD_MAX_MEMORY_SIZE = 32 * 1024 * 1024
