"""Back office for organisers: registrations, country-group overrides, lead weights, export log."""

from django.contrib import admin

from registration.models import CountryGroupOverride, ExportLog, LeadScoreWeights, Registration
from seminars.admin import OrganizerScopedAdmin, _is_organizer_somewhere


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
class CountryGroupOverrideAdmin(admin.ModelAdmin):
    """Global overrides (no seminar) are for superusers; organisers override their seminars."""

    list_display = ["country", "seminar", "ldc", "lldc", "sids", "eit", "income_group", "note"]
    list_filter = ["seminar"]

    def has_module_permission(self, request):
        return _is_organizer_somewhere(request)

    def _allowed(self, request, obj=None) -> bool:
        if not _is_organizer_somewhere(request):
            return False
        if obj is None or request.user.is_superuser:
            return True
        from seminars import permissions

        return obj.seminar is not None and permissions.can_manage_seminar(request.user, obj.seminar)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return _is_organizer_somewhere(request)

    def get_queryset(self, request):
        from seminars import permissions

        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(seminar__in=permissions.managed_seminars(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        from seminars import permissions

        if db_field.name == "seminar" and not request.user.is_superuser:
            kwargs["queryset"] = permissions.managed_seminars(request.user)
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
