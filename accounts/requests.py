"""Requests whose user is known to be signed in, so views read `request.user` as a `User`."""

from django.http import HttpRequest
from rest_framework.request import Request

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a view behind `login_required` receives."""

    user: User


class AuthenticatedRequest(Request):
    """The DRF request an API view behind `IsAuthenticated` receives."""

    user: User
