"""The API's token authentication (settings.REST_FRAMEWORK)."""

from functools import cache

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from .models import User


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication (the `Authorization: Token <key>` header, its refusals), with the token's user
    read by one raw query. Every API request authenticates, and DRF's `Token.objects.select_related("user").get()`
    builds its query anew each time: about 0.6 ms of CPU, an eighth of a window search (BENCHMARKS.md). The same
    join, written once, costs a third of that. Nothing is kept between requests: a token deleted or a user
    deactivated is refused on the very next request."""

    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        users = list(User.objects.raw(token_user_sql(), [key]))
        if not users:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = users[0]
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, Token(key=key, user=user)


@cache
def token_user_sql() -> str:
    """The user whose token has the key given as the one parameter."""
    user_table, token_table = User._meta.db_table, Token._meta.db_table
    return (
        f'SELECT "{user_table}".* FROM "{token_table}" JOIN "{user_table}" '
        f'ON "{user_table}"."id" = "{token_table}"."user_id" WHERE "{token_table}"."key" = %s'
    )
