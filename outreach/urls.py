"""Outreach to the uninsured (动员参保), mounted at /outreach/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.campaign_index, name="campaign_list"),
    path("new/", views.campaign_new, name="campaign_new"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/send/", views.campaign_send, name="campaign_send"),
    path("<int:pk>/messages.xlsx", views.campaign_export, name="campaign_export"),
    path("<int:pk>/sms.csv", views.campaign_file, name="campaign_file"),
    path("<int:pk>/notices/", views.campaign_notices, name="campaign_notices"),
    path("opt-outs/", views.opt_out_index, name="opt_out_list"),
    path("opt-outs/<int:pk>/delete/", views.opt_out_delete, name="opt_out_delete"),
]
