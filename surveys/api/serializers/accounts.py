"""Shapes of the caller (/me/) and of API keys."""

from rest_framework import serializers

from trustpulse.api.serializers import StrictSerializer

from ...enums import (
    ApiScope,
)
from ...models import (
    ApiKey,
)

# Accounts -----------------------------------------------------------------------------


class ApiKeySerializer(serializers.ModelSerializer):
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=ApiScope.choices))
    created_by = serializers.CharField(
        source="created_by.username", allow_null=True, read_only=True, default=None
    )
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "name",
            "prefix",
            "scopes",
            "created_at",
            "created_by",
            "last_used_at",
            "revoked_at",
            "is_active",
        ]
        read_only_fields = fields


class ApiKeyCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ApiScope.choices), allow_empty=False, max_length=20
    )


class ApiKeyCreatedSerializer(ApiKeySerializer):
    key = serializers.CharField(
        read_only=True, help_text="The full key. Shown once, now: only its hash is kept."
    )

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "key"]
        read_only_fields = fields


class OrganizationBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class MembershipBriefSerializer(serializers.Serializer):
    organization = OrganizationBriefSerializer()
    role = serializers.CharField()


class UserBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField()


class KeyBriefSerializer(serializers.Serializer):
    name = serializers.CharField()
    prefix = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    organization = OrganizationBriefSerializer()


class MeSerializer(serializers.Serializer):
    user = UserBriefSerializer(allow_null=True)
    memberships = MembershipBriefSerializer(many=True)
    api_key = KeyBriefSerializer(allow_null=True)
