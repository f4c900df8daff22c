"""The organiser back office: Django's admin, scoped to the seminars each organiser runs."""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from config import edge
from scheduling.timezones import utc_offset_label
from seminars import permissions
from seminars.forms import (
    SeminarAdminForm,
    SeminarRoleInlineForm,
    SeminarRoleInlineFormSet,
    SessionAdminForm,
)
from seminars.models import Organization, Seminar, SeminarRole, Session, SessionChange
from seminars.services import session_delete, session_save


def _is_organizer_somewhere(request: HttpRequest) -> bool:
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or permissions.managed_seminars(user).exists()


class OrganizerScopedAdmin(admin.ModelAdmin):
    """Objects reachable from a seminar; an organiser sees and edits only their own."""

    seminar_path = "seminar"

    def get_changelist(self, request, **kwargs):
        return edge.IdBoundedChangeList

    def has_module_permission(self, request):
        return _is_organizer_somewhere(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return _is_organizer_somewhere(request)

    def _seminar_of(self, obj) -> Seminar:
        for part in self.seminar_path.split("__"):
            obj = getattr(obj, part)
        return obj

    def _allowed(self, request, obj) -> bool:
        if not _is_organizer_somewhere(request):
            return False
        if obj is None:
            return True
        return permissions.can_manage_seminar(request.user, self._seminar_of(obj))

    def get_queryset(self, request) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        managed = permissions.managed_seminars(request.user).values("pk")
        return queryset.filter(**{f"{self.seminar_path}__in": managed})

    def get_list_filter(self, request):
        """A filter on a relation lists only what the organiser's own rows point to: Django's
        plain filter would list every seminar, other organisers' drafts included."""
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [self._scoped_list_filter(item) for item in filters]

    def _scoped_list_filter(self, item):
        if isinstance(item, str):
            path, chosen = item, admin.RelatedFieldListFilter
        elif isinstance(item, tuple | list):
            path, chosen = item
        else:
            return item  # a SimpleListFilter decides its own choices (the admin tests walk them)
        field = get_fields_from_path(self.model, path)[-1]
        if field.is_relation and issubclass(chosen, admin.RelatedFieldListFilter):
            return (path, admin.RelatedOnlyFieldListFilter)
        return item

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            managed = permissions.managed_seminars(request.user)
            if db_field.related_model is Seminar:
                kwargs["queryset"] = managed
            elif db_field.related_model is Session:
                # "Repeat of" offers only sessions of the organiser's own seminars.
                kwargs["queryset"] = Session.objects.filter(
                    seminar__in=managed.values("pk")
                ).select_related("seminar")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    """Organisers see every organisation (hosts and agencies are public) and may add new
    ones, but may change only the hosts of their own seminars: a UN agency's record or
    another organiser's host is not theirs to edit."""

    list_display = ["name", "acronym", "kind", "country"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym"]

    def has_module_permission(self, request):
        return _is_organizer_somewhere(request)

    def has_view_permission(self, request, obj=None):
        return _is_organizer_somewhere(request)

    def has_add_permission(self, request):
        return _is_organizer_somewhere(request)

    def has_change_permission(self, request, obj=None):
        if not _is_organizer_somewhere(request):
            return False
        if obj is None or request.user.is_superuser:
            return True
        return permissions.managed_seminars(request.user).filter(host=obj).exists()

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class SeminarRoleInline(admin.TabularInline):
    """Shown only inside a seminar the organiser manages (SeminarAdmin is scoped), so the
    permissions below are those of the parent seminar."""

    model = SeminarRole
    form = SeminarRoleInlineForm
    formset = SeminarRoleInlineFormSet
    extra = 0

    def has_view_permission(self, request, obj=None):
        return True

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(Seminar)
class SeminarAdmin(OrganizerScopedAdmin):
    form = SeminarAdminForm
    seminar_path = "pk"
    list_display = ["title", "slug", "status", "format", "time_zone", "starts_on", "ends_on"]
    list_filter = ["status", "format"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SeminarRoleInline]

    def _seminar_of(self, obj) -> Seminar:
        return obj

    def get_queryset(self, request) -> QuerySet:
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=permissions.managed_seminars(request.user).values("pk"))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # Whoever creates a seminar organises it.
            SeminarRole.objects.get_or_create(
                seminar=obj, user=request.user, role=SeminarRole.Role.ORGANIZER
            )
        else:
            # A raised capacity goes to the waiting list first (issue 13).
            from registration.services import waiting_list_promote

            waiting_list_promote(seminar=obj)


@admin.register(Session)
class SessionAdmin(OrganizerScopedAdmin):
    form = SessionAdminForm
    list_display = ["title", "seminar", "kind", "starts_in_seminar_zone", "track", "sequence"]
    # RelatedOnly: the filter must not list other organisers' seminars.
    list_filter = [("seminar", admin.RelatedOnlyFieldListFilter), "kind"]
    search_fields = ["title"]
    list_select_related = ["seminar"]
    filter_horizontal = ["agencies"]
    readonly_fields = ["sequence"]
    fieldsets = [
        (None, {"fields": ["seminar", "title", "abstract", "kind", "language", "agencies"]}),
        (
            _("When and where"),
            {"fields": ["starts_local", "ends_local", "occurrence", "track", "repeat_of"]},
        ),
        (_("Live room"), {"fields": ["stream_url", "qa_moderated", "sequence"]}),
    ]

    def save_model(self, request, obj, form, change):
        # Records a pending notice for a published seminar; never emails (issue 13).
        session_save(session=obj)

    def delete_model(self, request, obj):
        session_delete(session=obj)

    def delete_queryset(self, request, queryset):
        for session in queryset:
            session_delete(session=session)

    @admin.display(description=_("Starts (seminar's time zone)"), ordering="starts_at")
    def starts_in_seminar_zone(self, obj: Session) -> str:
        """The admin would show UTC (the server zone); organisers think in the seminar's."""
        local = obj.starts_at.astimezone(obj.seminar.zone)
        return f"{local:%Y-%m-%d %H:%M} {obj.seminar.time_zone} ({utc_offset_label(local)})"


@admin.register(SessionChange)
class SessionChangeAdmin(OrganizerScopedAdmin):
    list_display = ["session_title", "field", "old_value", "new_value", "changed_at", "notice"]
    list_select_related = ["seminar"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
