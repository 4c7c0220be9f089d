import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.authentication import TokenAuthentication
from accounts.models import PersonalDataView, User


def search(key: str, id_number: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/residents/", {"search": id_number})


@pytest.mark.django_db
def test_a_token_signs_its_user_in_with_one_query(clerk, yujing_resident):
    # given
    key = Token.objects.create(user=clerk).key
    # when
    with CaptureQueriesContext(connection) as queries:
        answer = search(key, yujing_resident.id_number)
    # then the clerk's search is answered, the token and its user read together by the first query
    assert answer.status_code == 200
    assert [row["id_number"] for row in answer.json()["results"]] == [yujing_resident.id_number]
    assert queries[0]["sql"].startswith('SELECT "accounts_user"."id", ')
    assert 'FROM "authtoken_token" JOIN "accounts_user"' in queries[0]["sql"]
    assert sum("authtoken_token" in query["sql"] for query in queries) == 1


@pytest.mark.django_db
def test_the_token_s_user_is_read_whole(clerk):
    # given
    key = Token.objects.create(user=clerk).key
    # when
    user, token = TokenAuthentication().authenticate_credentials(key)
    # then every field is read, as the ORM reads it: nothing deferred, no further query on first use
    assert (user.pk, token.key, token.user) == (clerk.pk, key, user)
    assert user.get_deferred_fields() == set()
    assert {field.attname: getattr(user, field.attname) for field in User._meta.concrete_fields} == {
        field.attname: getattr(clerk, field.attname) for field in User._meta.concrete_fields
    }
    assert user._state.adding is False and user._state.db == "default"


@pytest.mark.django_db
@pytest.mark.parametrize("refused", ["unknown", "inactive", "deleted"])
def test_a_token_is_refused_from_the_next_request_on(refused, clerk, yujing_resident):
    # given a token that worked once
    token = Token.objects.create(user=clerk)
    assert search(token.key, yujing_resident.id_number).status_code == 200
    key = token.key
    if refused == "unknown":
        key = token.key[:-1] + ("0" if token.key[-1] != "0" else "1")
    elif refused == "inactive":
        clerk.is_active = False
        clerk.save(update_fields=["is_active"])
    else:
        token.delete()
    viewed = PersonalDataView.objects.count()
    # when
    answer = search(key, yujing_resident.id_number)
    # then
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Token"
    assert answer.json()["detail"] == ("用户未激活或者已删除。" if refused == "inactive" else "认证令牌无效。")
    # and the refused answer showed no one: no personal-data record was written
    assert PersonalDataView.objects.count() == viewed == 1
