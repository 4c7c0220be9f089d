from django.urls import path, register_converter

from . import views


class BirthCertificateConverter:
    """出生医学证明编号: letters, digits and hyphens with at least one digit, so that the words of this URL space
    (new/, awaiting-id/, pre-enrollments/, imports/) are never taken for a certificate."""

    regex = r"[0-9A-Za-z-]*[0-9][0-9A-Za-z-]*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(BirthCertificateConverter, "birth_certificate")

urlpatterns = [
    path("", views.newborn_list, name="newborn_list"),
    path("new/", views.newborn_new, name="newborn_new"),
    path("awaiting-id/", views.newborn_awaiting_id, name="newborn_awaiting_id"),
    path("awaiting-id/export/", views.newborn_awaiting_id_export, name="newborn_awaiting_id_export"),
    path("pre-enrollments/", views.pre_enrollment_index, name="pre_enrollment_list"),
    path("pre-enrollments/new/", views.pre_enrollment_new, name="pre_enrollment_new"),
    path("pre-enrollments/unlinked/", views.pre_enrollment_unlinked_page, name="pre_enrollment_unlinked"),
    path(
        "pre-enrollments/unlinked/export/",
        views.pre_enrollment_unlinked_export,
        name="pre_enrollment_unlinked_export",
    ),
    path("pre-enrollments/<int:pk>/", views.pre_enrollment_detail, name="pre_enrollment_detail"),
    path("pre-enrollments/<int:pk>/terminate/", views.pre_enrollment_termination, name="pre_enrollment_terminate"),
    path("<birth_certificate:birth_certificate_no>/", views.newborn_detail, name="newborn_detail"),
    path(
        "<birth_certificate:birth_certificate_no>/identity/",
        views.newborn_identity,
        name="newborn_identity_complete",
    ),
]
