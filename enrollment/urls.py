"""The pages of enrollment, one list per place config/urls.py mounts them."""

from django.urls import path

from .views import exports, receipts, residents, window

# under /residents/
urlpatterns = [
    path("", residents.resident_search, name="resident_search"),
    path("new/", residents.resident_new, name="resident_new"),
    path("divisions/", residents.division_search, name="division_search"),
    path("<int:pk>/", residents.resident_detail, name="resident_detail"),
    path("<int:pk>/edit/", residents.resident_edit, name="resident_edit"),
    path("<int:pk>/reveal/", residents.resident_reveal, name="resident_reveal"),
]

# under /window/ (窗口办理)
window_urlpatterns = [
    path("", window.window_search, name="window_search"),
    path("residents/<int:pk>/", window.window_resident, name="window_resident"),
    path("enrollments/<int:pk>/receipt/", receipts.enrollment_receipt, name="window_receipt"),
    path("enrollments/<int:pk>/balance/", window.window_balance_pay, name="window_balance_pay"),
    path("enrollments/<int:pk>/refund/", receipts.refund_new, name="window_refund"),
    path("receipts/<int:pk>/", receipts.receipt_detail, name="receipt_detail"),
    path("receipts/<int:pk>/print/", receipts.receipt_print, name="receipt_print"),
    path("day/", receipts.day_close_page, name="day_close"),
    path("day/close/", receipts.day_close_submit, name="day_close_submit"),
]

# under /reports/exports/, where the resident roster's export has always been
export_urlpatterns = [
    path("resident-roster/", exports.resident_roster_export, name="resident_roster_export"),
    path("<int:pk>/", exports.export_job_detail, name="export_job_detail"),
    path("<int:pk>/download/", exports.export_job_download, name="export_job_download"),
]
