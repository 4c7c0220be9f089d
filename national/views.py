"""The clerks' page of the national platform's person query (1101): the same answer as the API, in Chinese."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.requests import AuthenticatedHttpRequest

from .forms import PersonQueryForm
from .person_query import PERSON_QUERY_PERMISSIONS, PersonAsked, PersonNotFound, PersonQueryFailed, person_query_for
from .rules import CERTIFICATE_RESIDENT_ID_CARD, PersonInformation


@login_required
@permission_required(PERSON_QUERY_PERMISSIONS, raise_exception=True)
def person_query_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PersonQueryForm(request.GET or None)
    information: PersonInformation | None = None
    message = ""
    if form.is_valid():
        asked = PersonAsked(
            certificate_type=CERTIFICATE_RESIDENT_ID_CARD,
            certificate_number=form.cleaned_data["certno"],
            name=form.cleaned_data["psn_name"],
        )
        try:
            information = person_query_for(user=request.user).person_get(asked=asked, now=timezone.now())
        except (PersonNotFound, PersonQueryFailed) as refusal:
            message = refusal.message
    return render(request, "national/person_query.html", {"form": form, "information": information, "message": message})
