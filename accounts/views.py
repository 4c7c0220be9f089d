from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.requests import AuthenticatedHttpRequest

from .todos import todo_lines


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The home page: the searches and pages of the user's role, and their to-dos, each with its count and link."""
    todos = todo_lines(user=request.user, today=timezone.localdate())
    return render(request, "home.html", {"todos": todos})
