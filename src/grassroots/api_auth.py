"""Who is calling the API: a bearer token, or (for reads only) the browser's session.

Tokens are created and revoked by their user in the app (`accounts.tokens`); the API
only checks them. The session is accepted for GET and HEAD so that the interactive docs
work for a logged-in user; a change always needs a token, so no CSRF check is needed.
"""

from django.conf import settings
from ninja.security import APIKeyCookie, HttpBearer

from grassroots.accounts import tokens

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`: an active token of an active user."""

    def authenticate(self, request, token):
        token = (token or "").strip()
        if not token or "\x00" in token:
            return None
        api_token = tokens.token_for(token)
        if api_token is None:
            return None
        # The token row itself, for the prefix that history records as the reference.
        request.api_token = api_token
        request.user = api_token.user
        return api_token.user


class SessionReadAuth(APIKeyCookie):
    """The logged-in browser session, for reading only."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self):
        super().__init__(csrf=False)

    def authenticate(self, request, key):
        if request.method not in SAFE_METHODS:
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            request.api_token = None
            return user
        return None


AUTH = [TokenAuth(), SessionReadAuth()]
