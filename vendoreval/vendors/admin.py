"""Vendor requests in the admin: read-only records with their proposals and audit trail. Requests are opened and
reviewed on the editors' pages (/vendor-requests/); the one action here, revoking, calls the service."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy, ngettext

from . import services
from .models import VendorAuditEvent, VendorProposal, VendorRequest


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ProposalInline(ReadOnlyInline):
    model = VendorProposal
    fields = ["criterion_key", "level", "rationale", "sources", "decision", "decision_reason", "reviewed_by"]
    readonly_fields = fields


class AuditInline(ReadOnlyInline):
    model = VendorAuditEvent
    fields = ["at", "actor", "action", "criterion_key", "field", "detail", "ip"]
    readonly_fields = fields


@admin.register(VendorRequest)
class VendorRequestAdmin(admin.ModelAdmin):
    list_display = ["pk", "offering", "contact_email", "created_by", "created_at", "expires_at", "submitted_at",
                    "revoked_at"]
    list_filter = ["submitted_at", "revoked_at"]
    search_fields = ["offering__name", "contact_email"]
    fields = ["offering", "checklist", "criteria", "contact_email", "created_by", "created_at", "expires_at",
              "submitted_at", "revoked_at", "revoked_by"]
    readonly_fields = fields
    inlines = [ProposalInline, AuditInline]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Revoke the selected requests (their links stop working)"),
                  permissions=["change"])
    def revoke(self, request, queryset):
        revoked = sum(services.vendor_request_revoke(vendor_request=r, actor=request.user) for r in queryset)
        self.message_user(request, ngettext("%(n)d request revoked.", "%(n)d requests revoked.", revoked)
                          % {"n": revoked}, messages.SUCCESS)
