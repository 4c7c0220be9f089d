from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class CanbaoUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "role", "division", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["division"]
    fieldsets = (*UserAdmin.fieldsets, ("岗位", {"fields": ("role", "division")}))
