"""The API's token authentication (settings.REST_FRAMEWORK)."""

from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple

from django.db import connection
from django.db.models.expressions import Col
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from .models import User


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication (the `Authorization: Token <key>` header, its refusals), with the token's user
    read by one query written once. Every API request authenticates, and DRF's
    `Token.objects.select_related("user").get()` builds its query anew each time: about 0.6 ms of CPU, an eighth of
    a window search (BENCHMARKS.md). A raw queryset of the same join (`User.objects.raw`) costs 0.4 ms, since it
    maps the columns to fields again on every call; read by a cursor and made a User as the ORM makes one
    (`Model.from_db`), 0.2 ms, the round trip included. Nothing is kept between requests: a token deleted or a user
    deactivated is refused on the very next request."""

    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        query = token_user_query(connection.vendor)
        with connection.cursor() as cursor:
            cursor.execute(query.sql, [key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        values = list(row)
        for index, column, converters in query.converters:
            for converter in converters:
                values[index] = converter(values[index], column, connection)
        user = User.from_db(connection.alias, query.field_names, values)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, Token(key=key, user=user)


class TokenUserQuery(NamedTuple):
    sql: str
    field_names: list[str]
    # (column index, column, converters): what the ORM applies to a value read from this database before the field
    # holds it (on SQLite, a date and time made aware), for the columns that have any.
    converters: list[tuple[int, Col, list[Callable[..., Any]]]]


@cache
def token_user_query(vendor: str) -> TokenUserQuery:
    """The columns of the user whose token has the key given as the one parameter, the user's field names in their
    order, and their converters on this kind of database (which depend on it and on the settings, not on the
    connection: one list serves every thread's). Read from the primary, as every write is: a token deleted there is
    refused at once, where a replica might lag."""
    fields = User._meta.concrete_fields
    quote = connection.ops.quote_name
    user_table, token_table = quote(User._meta.db_table), quote(Token._meta.db_table)
    columns = ", ".join(f"{user_table}.{quote(field.column)}" for field in fields)
    sql = (
        f"SELECT {columns} FROM {token_table} JOIN {user_table} ON {user_table}.{quote('id')} = "
        f"{token_table}.{quote('user_id')} WHERE {token_table}.{quote('key')} = %s"
    )
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(User._meta.db_table)
        if field_converters := connection.ops.get_db_converters(column) + column.get_db_converters(connection):
            converters.append((index, column, field_converters))
    return TokenUserQuery(sql, [field.attname for field in fields], converters)
