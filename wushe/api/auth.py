"""Bearer tokens for /api/v1/: the API's sign-in, with the same lockout as the pages."""

from ninja.security import HttpBearer

from wushe.accounts.services import api_token_user


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user
