"""个人信息保护法: masked by default, a full view only with a reason and recorded, every download recorded."""

from unittest import mock

import pytest
from django.db import connection, connections
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ExportRecord, PersonalDataView, User
from accounts.personal_data import phone_on_page
from accounts.services import personal_data_api_answer_record
from conftest import make_user, token_client
from enrollment.models import Resident

pytestmark = pytest.mark.django_db


def test_phone_numbers_are_masked_on_pages():
    assert (phone_on_page("13812345678"), phone_on_page("0349-1234"), phone_on_page("")) == (
        "138****5678",
        "034**1234",
        "",
    )


def test_a_full_view_needs_a_reason_and_is_recorded(client, clerk, yujing_resident):
    # given
    client.force_login(clerk)
    page = client.get(f"/residents/{yujing_resident.pk}/").content.decode()
    assert yujing_resident.id_number not in page
    # when
    revealed = client.post(f"/residents/{yujing_resident.pk}/reveal/", {"reason": "identity_check"})
    # then
    assert yujing_resident.id_number in revealed.content.decode()
    view = PersonalDataView.objects.get()
    assert (view.user, view.resident, view.reason, view.path) == (
        clerk,
        yujing_resident,
        "identity_check",
        f"/residents/{yujing_resident.pk}/reveal/",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [({}, "请选择查看原因。"), ({"reason": "other", "note": " "}, "原因为“其他”时须写明说明。")],
)
def test_a_full_view_without_a_reason_is_refused_and_not_recorded(client, clerk, yujing_resident, data, message):
    client.force_login(clerk)
    response = client.post(f"/residents/{yujing_resident.pk}/reveal/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert yujing_resident.id_number not in response.content.decode()
    assert PersonalDataView.objects.count() == 0


def test_users_without_the_permission_or_outside_the_scope_see_nothing(client, city_staff, yujing_resident, db):
    client.force_login(city_staff)
    assert client.post(f"/residents/{yujing_resident.pk}/reveal/", {"reason": "identity_check"}).status_code == 403
    client.force_login(make_user("yingxian", "window_clerk", "140622"))
    assert client.post(f"/residents/{yujing_resident.pk}/reveal/", {"reason": "identity_check"}).status_code == 404
    assert PersonalDataView.objects.count() == 0


def test_every_download_is_recorded_with_its_filter(
    client, clerk, yujing_resident, settings, tmp_path, django_capture_on_commit_callbacks
):
    # given
    settings.MEDIA_ROOT = tmp_path
    client.force_login(clerk)
    # when a roster export is run and downloaded
    with django_capture_on_commit_callbacks(execute=True):
        job_page = client.post("/reports/exports/resident-roster/")
    client.get(job_page["Location"] + "download/")
    # then
    job_pk = job_page["Location"].rstrip("/").rsplit("/", 1)[-1]
    record = ExportRecord.objects.get()
    assert (record.user, record.path, record.file_name, record.row_count) == (
        clerk,
        f"/reports/exports/{job_pk}/download/",
        f"居民花名册-{job_pk}.xlsx",
        1,
    )


def test_api_answers_with_full_numbers_are_recorded_and_masked_ones_are_not(clerk, city_staff, yujing_resident):
    # when a clerk's system reads the person, and a city user lists the county
    clerk_system = token_client(clerk)
    clerk_system.get(f"/api/v1/residents/{yujing_resident.id_number}/")
    token_client(city_staff).get("/api/v1/residents/", {"division": "140621"})
    clerk_system.get("/api/v1/residents/", {"search": yujing_resident.id_number})
    # then only the clerk's two answers, which carried the full number, are recorded
    assert list(PersonalDataView.objects.values_list("user__username", "reason", "path").order_by("id")) == [
        ("clerk", "api_call", f"/api/v1/residents/{yujing_resident.id_number}/"),
        ("clerk", "api_call", "/api/v1/residents/"),
    ]


def test_a_window_search_by_id_number_reads_one_row_and_records_it(clerk, yujing_resident):
    client = token_client(clerk)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/residents/", {"search": yujing_resident.id_number})
    assert response.status_code == 200
    assert (response.data["count"], [row["id_number"] for row in response.data["results"]]) == (
        1,
        [yujing_resident.id_number],
    )
    statements = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in statements if "COUNT(" in sql]  # the short page is its own count
    assert not [sql for sql in statements if "auth_permission" in sql]  # the role grants what the search needs
    assert len([sql for sql in statements if sql.startswith("SELECT") and "enrollment_resident" in sql]) == 1
    assert list(PersonalDataView.objects.values_list("resident_id", "reason")) == [(yujing_resident.pk, "api_call")]


@pytest.mark.parametrize(
    ("client_address_header", "recorded_address"),
    [("X-Real-IP", "203.0.113.7"), ("", "127.0.0.1")],
    ids=["behind the proxy: the address it names", "no proxy set: the peer's, whatever the header says"],
)
def test_the_record_keeps_the_clients_address(
    settings, clerk, yujing_resident, client_address_header, recorded_address
):
    # given
    settings.CLIENT_ADDRESS_HEADER = client_address_header
    client = token_client(clerk)
    # when the search arrives through a proxy that names the client 203.0.113.7, from the peer 127.0.0.1
    client.get("/api/v1/residents/", {"search": yujing_resident.id_number}, HTTP_X_REAL_IP="203.0.113.7")
    # then
    assert list(PersonalDataView.objects.values_list("resident_id", "ip_address")) == [
        (yujing_resident.pk, recorded_address)
    ]


def test_a_window_search_by_id_number_is_three_queries_with_the_division_name_in_the_page(
    clerk, yujing_resident, django_assert_num_queries
):
    # given
    client = token_client(clerk)
    # when: the token with its user, the page of residents with their division's name, the access record
    with django_assert_num_queries(3) as queries:
        response = client.get("/api/v1/residents/", {"search": yujing_resident.id_number})
    # then
    assert response.status_code == 200
    assert [(row["id_number"], row["division"], row["division_name"]) for row in response.data["results"]] == [
        (yujing_resident.id_number, yujing_resident.household_division_id, yujing_resident.household_division.name)
    ]
    statements = [query["sql"] for query in queries.captured_queries]
    assert [sql.split(" ", 1)[0] for sql in statements] == ["SELECT", "SELECT", "INSERT"]
    assert "accounts_personaldataview" in statements[2]
    assert list(PersonalDataView.objects.values_list("user_id", "resident_id", "id_number", "path")) == [
        (clerk.pk, yujing_resident.pk, yujing_resident.id_number, "/api/v1/residents/")
    ]


def test_a_list_of_several_people_records_each_of_them_with_their_division_names(
    clerk, yujing_resident, beizhouzhuang_resident
):
    # when the clerk's system lists the county
    response = token_client(clerk).get("/api/v1/residents/", {"division": "140621"})
    # then each person is answered with their own division's name and recorded once
    people = {yujing_resident.id_number: yujing_resident, beizhouzhuang_resident.id_number: beizhouzhuang_resident}
    assert sorted((row["id_number"], row["division_name"]) for row in response.data["results"]) == sorted(
        (number, person.household_division.name) for number, person in people.items()
    )
    assert sorted(PersonalDataView.objects.values_list("resident_id", "id_number")) == sorted(
        (person.pk, number) for number, person in people.items()
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_record_of_one_answer_is_one_statement_committed_before_the_answer_leaves(clerk, yujing_resident):
    # given: no transaction around the request, as under gunicorn
    assert not connection.in_atomic_block
    started = timezone.now()
    # when
    with (
        CaptureQueriesContext(connection) as queries,
        mock.patch.object(connection, "set_autocommit", wraps=connection.set_autocommit) as transaction_opened,
    ):
        personal_data_api_answer_record(
            user=clerk,
            id_numbers={yujing_resident.id_number: yujing_resident.pk},
            path="/api/v1/residents/",
            ip_address="127.0.0.1",
        )
    # then: one INSERT, no transaction opened around it (BEGIN and COMMIT would be two more round trips), and the
    # row is there for another connection at once: committed by the statement itself
    assert [query["sql"].split(" ", 1)[0] for query in queries.captured_queries] == ["INSERT"]
    transaction_opened.assert_not_called()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT resident_id, id_number, reason FROM accounts_personaldataview")
            assert cursor.fetchall() == [(yujing_resident.pk, yujing_resident.id_number, "api_call")]
    finally:
        other.close()
    # and every column holds what the ORM would have written, the time of the answer included
    view = PersonalDataView.objects.get()
    assert (view.user_id, view.note, view.path, view.ip_address) == (clerk.pk, "", "/api/v1/residents/", "127.0.0.1")
    assert started <= view.viewed_at <= timezone.now()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_window_search_writes_nothing_into_the_person_s_row_or_the_clerk_s(clerk, yujing_resident):
    # given: no transaction around the request, as under gunicorn, so the record is committed as it is written
    client = token_client(clerk)
    lockers_before = row_lockers(clerk, yujing_resident)
    # when
    response = client.get("/api/v1/residents/", {"search": yujing_resident.id_number})
    # then the search is recorded, and neither row carries a lock of it: a foreign key of the database would have
    # share-locked both at commit, writing the search's transaction into each row (xmax), a write of the registry
    assert response.status_code == 200
    assert PersonalDataView.objects.filter(resident=yujing_resident, user=clerk).count() == 1
    assert row_lockers(clerk, yujing_resident) == lockers_before


def row_lockers(user, resident) -> tuple[str, str]:
    """The last transaction that locked or deleted each row, as PostgreSQL writes it into the row (xmax)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmax::text FROM accounts_user WHERE id = %s", [user.pk])
        (user_locker,) = cursor.fetchone()
        cursor.execute("SELECT xmax::text FROM enrollment_resident WHERE id = %s", [resident.pk])
        (resident_locker,) = cursor.fetchone()
    return user_locker, resident_locker


def test_a_person_or_a_user_named_by_an_access_record_cannot_be_deleted(clerk, yujing_resident):
    # given
    personal_data_api_answer_record(
        user=clerk,
        id_numbers={yujing_resident.id_number: yujing_resident.pk},
        path="/api/v1/residents/",
        ip_address=None,
    )
    record = PersonalDataView.objects.get(resident=yujing_resident, user=clerk)
    # when, then: the keys the application keeps still refuse, naming the record, and nothing is deleted
    with pytest.raises(ProtectedError) as person_refused:
        yujing_resident.delete()
    with pytest.raises(ProtectedError) as user_refused:
        clerk.delete()
    assert record in person_refused.value.protected_objects
    assert record in user_refused.value.protected_objects
    assert Resident.objects.filter(pk=yujing_resident.pk).exists()
    assert User.objects.filter(pk=clerk.pk).exists()
    assert PersonalDataView.objects.filter(resident=yujing_resident, user=clerk).count() == 1
