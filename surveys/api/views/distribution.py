"""Distribution API: a survey's channel links, signed links and email invitations.

Admins and authors (API keys: ``surveys:write``) of the survey's organization;
another organization's survey is 404, other roles 403.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from trustpulse.api.access import MAX_ID, audit_identity, survey_for
from trustpulse.api.schema import READ, WRITE, errors
from trustpulse.api.views import ApiView

from ...distribution.selectors import channel_link_list, invitation_batch_list
from ...distribution.services.invitations import invitation_batch_create, invitation_remind
from ...distribution.services.links import (
    LINK_CHANNELS,
    absolute,
    channel_link_create,
    channel_link_revoke,
    channel_link_url,
    signed_link_make,
)
from ...enums import Channel
from ...models import ChannelLink, InvitationBatch


class ChannelLinkSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    qr_png = serializers.SerializerMethodField()
    qr_svg = serializers.SerializerMethodField()
    started = serializers.IntegerField(read_only=True, default=0)
    completed = serializers.IntegerField(read_only=True, default=0)
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = ChannelLink
        fields = [
            "id",
            "label",
            "channel",
            "code",
            "url",
            "qr_png",
            "qr_svg",
            "started",
            "completed",
            "created_at",
            "revoked_at",
            "is_active",
        ]
        read_only_fields = fields

    def get_url(self, link: ChannelLink) -> str:
        return absolute(channel_link_url(link))

    def _qr(self, link: ChannelLink, kind: str) -> str:
        return absolute(
            reverse(
                "distribution:link_qr",
                kwargs={
                    "org": link.survey.organization.slug,
                    "survey_id": link.survey_id,
                    "link_id": link.pk,
                    "kind": kind,
                },
            )
        )

    def get_qr_png(self, link: ChannelLink) -> str:
        """The QR code as PNG (a studio address: needs a signed-in member)."""
        return self._qr(link, "png")

    def get_qr_svg(self, link: ChannelLink) -> str:
        return self._qr(link, "svg")


class ChannelLinkCreateSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=100)
    channel = serializers.ChoiceField(choices=[(c, Channel(c).label) for c in LINK_CHANNELS])


class SignedLinkRequestSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=200, trim_whitespace=False)
    expires_at = serializers.DateTimeField()


class SignedLinkSerializer(serializers.Serializer):
    url = serializers.CharField()
    external_id = serializers.CharField()
    exp = serializers.IntegerField(help_text="Expiry, Unix seconds.")
    sig = serializers.CharField(help_text="HMAC-SHA256 (hex) of `<slug>|<xid>|<exp>`.")


class InvitationBatchSerializer(serializers.ModelSerializer):
    invited = serializers.IntegerField(read_only=True, default=0)
    sent = serializers.IntegerField(read_only=True, default=0)
    waiting = serializers.IntegerField(read_only=True, default=0)
    reminded = serializers.IntegerField(read_only=True, default=0)
    responded = serializers.IntegerField(read_only=True, default=0)
    unsubscribed = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = InvitationBatch
        fields = [
            "id",
            "subject",
            "created_at",
            "invited",
            "sent",
            "waiting",
            "reminded",
            "responded",
            "unsubscribed",
        ]
        read_only_fields = fields


class InvitationCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=200)
    message = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    addresses = serializers.ListField(
        child=serializers.CharField(max_length=254), min_length=1, max_length=10_000
    )


class InvitationRemindSerializer(serializers.Serializer):
    addresses = serializers.ListField(
        child=serializers.CharField(max_length=254), min_length=1, max_length=10_000
    )


class RemindedSerializer(serializers.Serializer):
    reminded = serializers.IntegerField()


class ChannelLinkCollectionView(ApiView):
    @extend_schema(
        operation_id="channel_links_list",
        summary="A survey's channel links with responses started and completed through each",
        responses={200: ChannelLinkSerializer(many=True), **errors(*READ)},
    )
    def get(self, request: Request, pk: int) -> Response:
        survey = survey_for(request, pk, write=True)
        links = channel_link_list(survey=survey).select_related("survey__organization")
        return self.paginated(links, ChannelLinkSerializer)

    @extend_schema(
        operation_id="channel_links_create",
        summary="Create a channel link (web, email, in_app, qr, kiosk)",
        request=ChannelLinkCreateSerializer,
        responses={201: ChannelLinkSerializer, **errors(*WRITE)},
    )
    def post(self, request: Request, pk: int) -> Response:
        survey = survey_for(request, pk, write=True)
        data = ChannelLinkCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        link = channel_link_create(
            survey=survey,
            channel=data.validated_data["channel"],
            label=data.validated_data["label"],
            actor=audit_identity(self.actor)["actor"],
        )
        return Response(ChannelLinkSerializer(link).data, status=status.HTTP_201_CREATED)


class ChannelLinkRevokeView(ApiView):
    @extend_schema(
        operation_id="channel_links_revoke",
        summary="Revoke a channel link (at once; it cannot be undone)",
        request=None,
        responses={200: ChannelLinkSerializer, **errors(*WRITE)},
    )
    def post(self, request: Request, pk: int, link_id: int) -> Response:
        survey = survey_for(request, pk, write=True)
        link = (
            ChannelLink.objects.filter(survey=survey, pk=link_id).select_related("survey").first()
            if link_id <= MAX_ID
            else None
        )
        if link is None:
            raise NotFound("No such link.")
        channel_link_revoke(link=link, actor=audit_identity(self.actor)["actor"])
        return Response(ChannelLinkSerializer(link).data)


class SignedLinkView(ApiView):
    @extend_schema(
        operation_id="signed_links_create",
        summary="Sign a link carrying your external id of a respondent, valid until expires_at",
        request=SignedLinkRequestSerializer,
        responses={200: SignedLinkSerializer, **errors(*WRITE)},
    )
    def post(self, request: Request, pk: int) -> Response:
        from urllib.parse import urlencode

        survey = survey_for(request, pk, write=True)
        data = SignedLinkRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signed = signed_link_make(
            survey=survey,
            external_id=data.validated_data["external_id"],
            expires_at=data.validated_data["expires_at"],
        )
        url = absolute(reverse("surveys:landing", kwargs={"slug": survey.slug}))
        body = {
            "url": url + "?" + urlencode(signed.query()),
            "external_id": signed.external_id,
            "exp": signed.expires,
            "sig": signed.signature,
        }
        return Response(SignedLinkSerializer(body).data)


class InvitationCollectionView(ApiView):
    @extend_schema(
        operation_id="invitations_list",
        summary="A survey's invitation batches and their counts (no addresses: none are kept)",
        responses={200: InvitationBatchSerializer(many=True), **errors(*READ)},
    )
    def get(self, request: Request, pk: int) -> Response:
        survey = survey_for(request, pk, write=True)
        return self.paginated(invitation_batch_list(survey=survey), InvitationBatchSerializer)

    @extend_schema(
        operation_id="invitations_create",
        summary="Email invitations to a list of addresses (kept only until sent)",
        request=InvitationCreateSerializer,
        responses={201: InvitationBatchSerializer, **errors(*WRITE)},
    )
    def post(self, request: Request, pk: int) -> Response:
        survey = survey_for(request, pk, write=True)
        data = InvitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = invitation_batch_create(
            survey=survey,
            addresses=data.validated_data["addresses"],
            subject=data.validated_data["subject"],
            message=data.validated_data["message"],
            actor=audit_identity(self.actor)["actor"],
        )
        body = invitation_batch_list(survey=survey).get(pk=batch.pk)
        return Response(InvitationBatchSerializer(body).data, status=status.HTTP_201_CREATED)


class InvitationRemindView(ApiView):
    @extend_schema(
        operation_id="invitations_remind",
        summary="Remind the given addresses of a batch that have not responded",
        request=InvitationRemindSerializer,
        responses={200: RemindedSerializer, **errors(*WRITE)},
    )
    def post(self, request: Request, pk: int, batch_id: int) -> Response:
        survey = survey_for(request, pk, write=True)
        batch = (
            InvitationBatch.objects.filter(survey=survey, pk=batch_id)
            .select_related("survey")
            .first()
            if batch_id <= MAX_ID
            else None
        )
        if batch is None:
            raise NotFound("No such invitation batch.")
        data = InvitationRemindSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = invitation_remind(
            batch=batch,
            addresses=data.validated_data["addresses"],
            actor=audit_identity(self.actor)["actor"],
        )
        return Response({"reminded": count})
