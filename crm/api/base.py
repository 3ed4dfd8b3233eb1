"""The CRM's endpoints: the suite's service viewsets (:mod:`core.api.viewsets`) with the CRM's permission
predicates (Viewer and Producer read, Manager and Admin write)."""

from __future__ import annotations

from core.api.permissions import predicate_permission
from core.api.viewsets import (  # noqa: F401  (the CRM's API modules import these from here)
    ERRORS,
    INVALID,
    NOT_FOUND,
    ServiceCreateMixin,
    ServiceDestroyMixin,
    ServiceUpdateMixin,
    ServiceViewSet,
    crud_schema,
)
from crm.permissions import can_edit_crm, can_view_crm

CrmPermission = predicate_permission(read=can_view_crm, write=can_edit_crm)


class CrmViewSet(ServiceViewSet):
    """Read endpoints (list, retrieve) under the CRM's predicates."""

    permission_classes = [CrmPermission]


class ServiceModelViewSet(ServiceCreateMixin, ServiceUpdateMixin, ServiceDestroyMixin, CrmViewSet):
    """Full CRUD under the CRM's predicates, every write through a service."""
