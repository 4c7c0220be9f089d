from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ExportRecord, PersonalDataView, User
from .personal_data import id_number_on_page


@admin.register(User)
class CanbaoUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "role", "division", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["division"]
    fieldsets = (*(UserAdmin.fieldsets or ()), ("岗位", {"fields": ("role", "division")}))


class ReadOnlyAuditAdmin(admin.ModelAdmin):
    """Audit rows are written by the system only: administrators read and search them, nobody edits or deletes."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(ReadOnlyAuditAdmin):
    list_display = ["viewed_at", "user", "resident", "shown_id_number", "reason", "note", "path", "ip_address"]
    list_filter = ["reason", "viewed_at"]
    # By the number that was shown, whole: a mother's number on a birth record has no resident.
    search_fields = ["user__username", "=id_number", "resident__id_number", "resident__name", "note"]
    date_hierarchy = "viewed_at"
    list_select_related = ["user", "resident"]

    @admin.display(description="所示身份证号", ordering="id_number")
    def shown_id_number(self, view: PersonalDataView) -> str:
        return id_number_on_page(view.id_number)


@admin.register(ExportRecord)
class ExportRecordAdmin(ReadOnlyAuditAdmin):
    list_display = ["exported_at", "user", "file_name", "row_count", "path", "query", "ip_address"]
    list_filter = ["exported_at"]
    search_fields = ["user__username", "file_name", "path"]
    date_hierarchy = "exported_at"
    list_select_related = ["user"]
