from django.contrib import admin

from .models import Campaign, CampaignMessage, CampaignSendJob, PhoneOptOut


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "division", "year", "source", "channel", "status", "people_count", "sent_count")
    list_filter = ("year", "channel", "status", "scheduled")
    search_fields = ("name", "division__name")
    raw_id_fields = ("division", "created_by")


@admin.register(CampaignMessage)
class CampaignMessageAdmin(admin.ModelAdmin):
    list_display = ("campaign", "name", "phone", "outcome", "sent_at")
    list_filter = ("outcome",)
    search_fields = ("name", "id_number", "phone")
    raw_id_fields = ("campaign", "resident", "village")


@admin.register(PhoneOptOut)
class PhoneOptOutAdmin(admin.ModelAdmin):
    list_display = ("phone", "reason", "date", "division", "created_by")
    search_fields = ("phone",)
    raw_id_fields = ("division", "created_by")


@admin.register(CampaignSendJob)
class CampaignSendJobAdmin(admin.ModelAdmin):
    list_display = ("campaign", "status", "messages_done", "messages_total", "created_at")
    raw_id_fields = ("campaign", "requested_by")
