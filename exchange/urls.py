from django.urls import path

from . import views

urlpatterns = [
    path("", views.exchange_batch_list, name="exchange_batch_list"),
    path("batches/<int:pk>/", views.exchange_batch_detail, name="exchange_batch_detail"),
    path("batches/<int:pk>/records.xlsx", views.exchange_batch_xlsx, name="exchange_batch_xlsx"),
    path("queue/", views.exchange_queue, name="exchange_queue"),
    path("records/<int:pk>/resolve/", views.exchange_record_resolve, name="exchange_record_resolve"),
    path("records/<int:pk>/dismiss/", views.exchange_record_dismiss, name="exchange_record_dismiss"),
    path("refunds/", views.exchange_refunds, name="exchange_refunds"),
]
