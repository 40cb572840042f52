"""The caller (`/me/`) and an organization's API keys (organization admins only)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from trustpulse.api.access import MAX_ID, require_session
from trustpulse.api.schema import READ, WRITE, errors
from trustpulse.api.views import ApiView

from ...accounts.selectors import api_key_list
from ...accounts.services.accounts import api_key_create, api_key_revoke
from ...enums import Role
from ...models import ApiKey, Membership, Organization
from ...selectors import Actor
from ..serializers import (
    ApiKeyCreatedSerializer,
    ApiKeyCreateSerializer,
    ApiKeySerializer,
    MeSerializer,
)


def _org(org: Organization) -> dict:
    return {"id": org.pk, "name": org.name, "slug": org.slug}


class MeView(ApiView):
    @extend_schema(
        operation_id="me_retrieve",
        summary="Who is calling: the member and their roles, or the API key and its scopes",
        responses={200: MeSerializer, **errors(401)},
    )
    def get(self, request: Request) -> Response:
        key = self.actor.api_key
        if key is not None:
            body = {
                "user": None,
                "memberships": [],
                "api_key": {
                    "name": key.name,
                    "prefix": key.prefix,
                    "scopes": list(key.scopes),
                    "organization": _org(key.organization),
                },
            }
        else:
            user = request.user
            memberships = (
                Membership.objects.filter(user=user)
                .select_related("organization")
                .order_by("organization__name", "organization_id")
            )
            body = {
                "user": {"id": user.pk, "username": user.get_username(), "email": user.email},
                "memberships": [
                    {"organization": _org(m.organization), "role": m.role} for m in memberships
                ],
                "api_key": None,
            }
        return Response(MeSerializer(body).data)


def administered(actor: Actor, org_id: int, *, what: str = "API keys") -> Organization:
    """An organization whose `what` the caller (a signed-in admin of it) manages."""
    require_session(actor, f"Managing {what}")
    if org_id > MAX_ID or org_id not in actor.roles:
        raise NotFound("No such organization.")
    if actor.roles[org_id] != Role.ADMIN:
        raise PermissionDenied(f"{what[:1].upper()}{what[1:]} are managed by organization admins.")
    return Organization.objects.get(pk=org_id)


class ApiKeyCollectionView(ApiView):
    @extend_schema(
        operation_id="api_keys_list",
        summary="An organization's API keys (organization admins)",
        responses={200: ApiKeySerializer(many=True), **errors(*READ)},
    )
    def get(self, request: Request, org_id: int) -> Response:
        organization = administered(self.actor, org_id)
        return self.paginated(api_key_list(organization_id=organization.pk), ApiKeySerializer)

    @extend_schema(
        operation_id="api_keys_create",
        summary="Create an API key; the response holds the full key, shown this once",
        request=ApiKeyCreateSerializer,
        responses={201: ApiKeyCreatedSerializer, **errors(*WRITE)},
    )
    def post(self, request: Request, org_id: int) -> Response:
        organization = administered(self.actor, org_id)
        data = ApiKeyCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key, plaintext = api_key_create(
            organization=organization,
            name=data.validated_data["name"],
            scopes=list(data.validated_data["scopes"]),
            actor=self.actor.user,
        )
        key.key = plaintext  # type: ignore[attr-defined]
        return Response(ApiKeyCreatedSerializer(key).data, status=status.HTTP_201_CREATED)


class ApiKeyRevokeView(ApiView):
    @extend_schema(
        operation_id="api_keys_revoke",
        summary="Revoke an API key (at once; it cannot be undone)",
        request=None,
        responses={200: ApiKeySerializer, **errors(*WRITE)},
    )
    def post(self, request: Request, org_id: int, key_id: int) -> Response:
        organization = administered(self.actor, org_id)
        key: ApiKey | None = (
            api_key_list(organization_id=organization.pk).filter(pk=key_id).first()
            if key_id <= MAX_ID
            else None
        )
        if key is None:
            raise NotFound("No such API key.")
        key.organization = organization
        api_key_revoke(key=key, actor=self.actor.user)
        return Response(ApiKeySerializer(key).data)
