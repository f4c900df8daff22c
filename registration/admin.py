"""Back office for organisers: registrations, country-group overrides, lead weights, export log."""

from django.contrib import admin

from registration.models import CountryGroupOverride, ExportLog, LeadScoreWeights, Registration
from seminars.admin import OrganizerScopedAdmin


@admin.register(Registration)
class RegistrationAdmin(OrganizerScopedAdmin):
    list_display = ["person", "seminar", "status", "attendance_mode", "country", "checked_in_at"]
    list_filter = ["seminar", "status", "attendance_mode", "is_ldc", "is_sids"]
    search_fields = ["person__full_name", "person__email", "company__legal_name"]
    list_select_related = ["person", "seminar"]
    readonly_fields = [
        f.name
        for f in Registration._meta.get_fields()
        if f.concrete and not f.many_to_many and f.name not in {"id"}
    ]

    def has_add_permission(self, request):
        return False  # registrations come from vendors, through the services


@admin.register(LeadScoreWeights)
class LeadScoreWeightsAdmin(OrganizerScopedAdmin):
    list_display = ["seminar", "contact_me", "checked_in", "segment_match"]


@admin.register(ExportLog)
class ExportLogAdmin(OrganizerScopedAdmin):
    list_display = ["created_at", "seminar", "user", "kind", "file_format", "agency", "rows"]
    list_select_related = ["seminar", "user", "agency"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CountryGroupOverride)
class CountryGroupOverrideAdmin(OrganizerScopedAdmin):
    """Global overrides (no seminar) are for superusers; organisers override their seminars."""

    list_display = ["country", "seminar", "ldc", "lldc", "sids", "eit", "income_group", "note"]
    list_filter = ["seminar"]

    def _allowed(self, request, obj) -> bool:
        if obj is not None and obj.seminar is None:
            return request.user.is_superuser
        return super()._allowed(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "seminar" and not request.user.is_superuser:
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
