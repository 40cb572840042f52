"""Tenancy of the Django admin: a walk over every registered ModelAdmin.

The first organization's rows (and rows no organization owns: groups, sign-in
attempts) are made first and remembered; a staff member of another
organization, holding every model permission, then walks each ModelAdmin in
``admin.site._registry`` (list and its filters, add-form choices including
inlines, change, history, delete, every action, autocomplete) and must meet
none of them. The same walk as a superuser meets them all, so the walk can
see what it looks for.
"""

import uuid

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.filters import RelatedFieldListFilter
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from surveys.accounts.services.accounts import api_key_create
from surveys.admin_tenancy import GLOBAL, organization_path
from surveys.enums import ApiScope
from surveys.integrations import services as webhook_services
from surveys.models import (
    Choice,
    Membership,
    Organization,
    Question,
    SubmissionInbox,
    Survey,
    SurveyVersion,
    User,
)
from tests.factories import UserFactory, live_survey, member, published_notice
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.7"


def _first_organization_rows(org):
    """Rows of every registered model that belong to `org` or to no organization."""
    published_notice(org)
    survey = live_survey(org)
    version = survey.live_version
    owner = member(org, "admin")
    api_key_create(organization=org, name="first", scopes=ApiScope.values)
    SubmissionInbox.objects.create(
        organization=org,
        survey=survey,
        version=version,
        idempotency_key="first-key",
        request_hash="0" * 64,
        respondent_ref="first-ref",
        received_at=timezone.now(),
    )
    endpoint, _ = webhook_services.endpoint_create(
        organization=org, actor=owner, url="http://127.0.0.1:9/first", event_types=["survey.closed"]
    )
    webhook_services.endpoint_test_send(endpoint=endpoint, actor=owner)
    Group.objects.create(name="first-operators").user_set.add(owner)
    common = {"user_agent": "curl", "ip_address": ADDRESS, "username": owner.username}
    common |= {"http_accept": "*/*", "path_info": "/accounts/login/"}
    AccessAttempt.objects.create(**common, get_data="", post_data="", failures_since_start=3)
    AccessLog.objects.create(**common)
    AccessFailureLog.objects.create(**common)


def _snapshot():
    return {
        model: {str(pk) for pk in model._default_manager.values_list("pk", flat=True)}
        for model in admin.site._registry
    }


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _choice_leaks(fields, snapshot, where):
    found = []
    for name, field in fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is None:
            continue
        pks = {str(pk) for pk in queryset.values_list("pk", flat=True)}
        found += [f"{where} choice {name}={pk}" for pk in pks & snapshot.get(queryset.model, set())]
    return found


def _list_leaks(client, model, snapshot):
    response = client.get(_url(model, "changelist"))
    if response.status_code != 200:
        return [] if response.status_code in (302, 403) else [f"list {response.status_code}"]
    changelist = response.context["cl"]
    shown = {str(obj.pk) for obj in changelist.result_list}
    found = [f"list row {pk}" for pk in shown & snapshot[model]]
    for spec in changelist.filter_specs:
        if not isinstance(spec, RelatedFieldListFilter):
            continue
        for value, _label in spec.lookup_choices:
            if str(value) in snapshot.get(spec.field.related_model, set()):
                found.append(f"list filter {spec.field_path}={value}")
    return found


def _add_leaks(client, model, snapshot):
    response = client.get(_url(model, "add"))
    if response.status_code != 200:
        return []
    found = _choice_leaks(response.context["adminform"].form.fields, snapshot, "add form")
    for inline in response.context["inline_admin_formsets"]:
        # Not the hidden primary key of a row: Django matches it only among the parent's rows.
        pk_name = inline.formset.model._meta.pk.name
        fields = {k: v for k, v in inline.formset.empty_form.fields.items() if k != pk_name}
        found += _choice_leaks(fields, snapshot, f"add inline {inline.opts.model.__name__}")
    return found


def _row(model, pk):
    return model._default_manager.filter(pk=pk).values().first()


def _object_leaks(client, model, model_admin, pk, *, write):
    found = []
    for view in ("change", "history", "delete"):
        response = client.get(_url(model, view, pk))
        if response.status_code == 200:
            found.append(f"{view} page {pk}")
    if not write:
        return found
    before = _row(model, pk)
    client.post(_url(model, "change", pk), {})
    client.post(_url(model, "delete", pk), {"post": "yes"})
    actions = ["delete_selected"] + [
        a if isinstance(a, str) else a.__name__ for a in (model_admin.actions or [])
    ]
    for action in actions:
        client.post(
            _url(model, "changelist"),
            {"action": action, "_selected_action": [pk], "index": 0, "post": "yes"},
        )
    if _row(model, pk) != before:
        found.append(f"changed by a post or an action {pk}")
    return found


def _autocomplete_leaks(client, snapshot):
    """Every autocomplete target: asked through the first relation field that points at it."""
    found, asked = [], set()
    for source in apps.get_models():
        for field in source._meta.get_fields():
            remote = field.related_model if field.is_relation and field.concrete else None
            if remote is None or remote in asked or remote not in admin.site._registry:
                continue
            if not admin.site._registry[remote].search_fields:
                continue
            asked.add(remote)
            response = client.get(
                reverse("admin:autocomplete"),
                {
                    "app_label": source._meta.app_label,
                    "model_name": source._meta.model_name,
                    "field_name": field.name,
                    "term": "",
                },
            )
            if response.status_code == 200:
                ids = {str(r["id"]) for r in response.json()["results"]}
                found += [f"{remote.__name__} autocomplete {pk}" for pk in ids & snapshot[remote]]
    return found


def walk(client, snapshot, *, write=True):
    """Everything of the first organization this client meets in the admin."""
    found = []
    for model, model_admin in admin.site._registry.items():
        label = model.__name__
        found += [f"{label} {f}" for f in _list_leaks(client, model, snapshot)]
        found += [f"{label} {f}" for f in _add_leaks(client, model, snapshot)]
        for pk in sorted(snapshot[model])[:3]:
            leaks = _object_leaks(client, model, model_admin, pk, write=write)
            found += [f"{label} {f}" for f in leaks]
    return found + _autocomplete_leaks(client, snapshot)


@pytest.fixture
def first_rows(db):
    org = Organization.objects.create(name="First Brand", slug="first-brand")
    _first_organization_rows(org)
    return _snapshot()


@pytest.fixture
def intruder(client, first_rows):
    """A staff admin of another organization with every model permission."""
    other = Organization.objects.create(name="Second Brand", slug="second-brand")
    published_notice(other)
    live_survey(other)
    user = member(other, "admin")
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.all())
    return login_verified(client, user)


def test_every_registered_model_has_rows_of_the_first_organization(first_rows):
    assert [m.__name__ for m, pks in first_rows.items() if not pks] == []


def test_the_admin_walk_finds_nothing_of_another_organization(intruder, first_rows):
    assert walk(intruder, first_rows) == []
    # Nothing of the first organization was deleted by the walk's posts and actions.
    after = _snapshot()
    assert [m.__name__ for m in first_rows if not first_rows[m] <= after[m]] == []


def test_the_walk_sees_the_first_organization_as_a_superuser(client, first_rows):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    found = walk(client, first_rows, write=False)
    listed = {f.split(" ")[0] for f in found if " list row " in f}
    assert listed == {m.__name__ for m in first_rows}
    assert any(" change page " in f for f in found)
    assert any(" autocomplete " in f for f in found)


def test_the_intruder_sees_and_chooses_only_their_own_organization(intruder):
    page = intruder.get("/admin/surveys/survey/")
    assert [s.organization.slug for s in page.context["cl"].result_list] == ["second-brand"]
    form = intruder.get("/admin/surveys/survey/add/").context["adminform"].form
    assert list(form.fields["organization"].queryset.values_list("slug", flat=True)) == [
        "second-brand"
    ]
    users = form.fields["created_by"].queryset
    assert [u.memberships.get().organization.slug for u in users] == ["second-brand"]
    assert intruder.get("/admin/auth/group/").status_code == 403
    assert intruder.get("/admin/axes/accessattempt/").status_code == 403


def test_an_intruder_cannot_save_a_survey_into_the_first_organization(intruder):
    first = Organization.objects.get(slug="first-brand")
    response = intruder.post(
        "/admin/surveys/survey/add/",
        {
            "organization": first.pk,
            "slug": "planted",
            "kind": "survey",
            "versions-TOTAL_FORMS": 0,
            "versions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "organization" in response.context["adminform"].form.errors
    assert not Survey.objects.filter(slug="planted").exists()


def test_organization_paths_are_found_by_following_foreign_keys():
    assert organization_path(Organization) == "pk"
    assert organization_path(Survey) == "organization"
    assert organization_path(SurveyVersion) == "survey__organization"
    assert organization_path(Question) == "version__survey__organization"
    assert organization_path(Choice) == "question__version__survey__organization"
    assert organization_path(Membership) == "organization"
    assert organization_path(User) == "memberships__organization"
    assert organization_path(Group) == GLOBAL
    assert organization_path(AccessAttempt) == GLOBAL


def test_staff_without_a_membership_see_no_organization_pages(client, first_rows):
    loner = UserFactory(is_staff=True, username=f"loner-{uuid.uuid4().hex[:6]}")
    loner.user_permissions.set(Permission.objects.all())
    client.force_login(loner)
    assert client.get("/admin/surveys/survey/").status_code == 403
    assert walk(client, first_rows) == []
