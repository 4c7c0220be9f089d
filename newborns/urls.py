from django.urls import path, register_converter

from .views import births, coverage, imports, pre_enrollments


class BirthCertificateConverter:
    """出生医学证明编号: letters, digits and hyphens with at least one digit, so that the words of this URL space
    (new/, awaiting-id/, pre-enrollments/, imports/) are never taken for a certificate."""

    regex = r"[0-9A-Za-z-]*[0-9][0-9A-Za-z-]*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(BirthCertificateConverter, "birth_certificate")

# under /newborns/
urlpatterns = [
    path("", births.newborn_list, name="newborn_list"),
    path("new/", births.newborn_new, name="newborn_new"),
    path("awaiting-id/", births.newborn_awaiting_id, name="newborn_awaiting_id"),
    path("awaiting-id/export/", births.newborn_awaiting_id_export, name="newborn_awaiting_id_export"),
    path("pre-enrollments/", pre_enrollments.pre_enrollment_index, name="pre_enrollment_list"),
    path("pre-enrollments/new/", pre_enrollments.pre_enrollment_new, name="pre_enrollment_new"),
    path("pre-enrollments/unlinked/", pre_enrollments.pre_enrollment_unlinked_page, name="pre_enrollment_unlinked"),
    path(
        "pre-enrollments/unlinked/export/",
        pre_enrollments.pre_enrollment_unlinked_export,
        name="pre_enrollment_unlinked_export",
    ),
    path("pre-enrollments/<int:pk>/", pre_enrollments.pre_enrollment_detail, name="pre_enrollment_detail"),
    path(
        "pre-enrollments/<int:pk>/terminate/",
        pre_enrollments.pre_enrollment_termination,
        name="pre_enrollment_terminate",
    ),
    path("<birth_certificate:birth_certificate_no>/", births.newborn_detail, name="newborn_detail"),
    path(
        "<birth_certificate:birth_certificate_no>/identity/",
        births.newborn_identity,
        name="newborn_identity_complete",
    ),
]

# under /newborns/coverage/ (出生当年参保率)
coverage_urlpatterns = [
    path("", coverage.newborn_coverage_page, name="newborn_coverage"),
    path("coverage.xlsx", coverage.newborn_coverage_export, name="newborn_coverage_export"),
]

# under /newborns/imports/ (出生登记名单导入)
import_urlpatterns = [
    path("", imports.birth_import_index, name="birth_import_index"),
    path("template.xlsx", imports.birth_import_template, name="birth_import_template"),
    path("<int:pk>/", imports.birth_import_detail, name="birth_import_detail"),
    path("<int:pk>/confirm/", imports.birth_import_confirm_view, name="birth_import_confirm"),
    path("<int:pk>/errors.xlsx", imports.birth_import_errors_download, name="birth_import_errors"),
]
