"""Administration of agencies, units, users and tokens (Django admin)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from ilp import services
from ilp.actors import actor_of
from ilp.models import Agency, ApiToken, Unit, User

admin.site.site_header = "ILP platform administration"
admin.site.site_title = "ILP administration"


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "time_zone"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "agency"]
    list_filter = ["agency"]
    search_fields = ["name", "code"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "agency", "unit", "roles", "is_active"]
    list_filter = ["agency", "groups", "is_active", "is_staff"]
    list_select_related = ["agency", "unit"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Agency and clearance", {"fields": ("agency", "unit", "clearance")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("Agency and role", {"fields": ("agency", "unit", "clearance", "groups")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Roles")
    def roles(self, obj: User) -> str:
        return ", ".join(obj.role_names)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "prefix",
        "user",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "digest",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Keys are shown once, to their owner: tokens are issued from the user's own page.
        return False

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            services.token_revoke(actor=actor_of(request), token=token)
        messages.success(request, f"Revoked {queryset.count()} token(s).")
