"""Every admin page and action answers each role as the role table says: walked over admin.site.

A role the table does not grant gets 403 (or is not offered the action), a role it grants
gets the page, nobody gets a 500. Our own admins must build on core.admin, declare the
roles of each action and custom page, and never delete.
"""

import pytest
from celery import current_app
from django.contrib import admin
from django.contrib.auth import get_permission_codename, get_user_model
from django.test import Client, RequestFactory
from django.urls import reverse

from approvals.models import ApprovalRequest
from approvals.services import approval_approve
from audit.models import Event
from audit.services import chains_verify_incremental
from backups import services as backup_services
from backups import tasks
from conftest import PEOPLE
from core import roles
from core.admin import RoleAdmin
from incidents.services import incident_declare
from journal.services import journal_entry_add
from ops.services import trading_halt, trading_resume_request

OURS = {"core", "audit", "journal", "approvals", "book", "incidents", "ops", "backups", "pms_ops"}
PERSON_FOR_ROLE = {role: name for name, role in reversed(PEOPLE.items()) if role}
STANDARD = ("changelist", "add", "history", "delete", "change")
PLACEHOLDER = "999999"


def _admins() -> list:
    return sorted(admin.site._registry.values(), key=lambda a: a.opts.label)


def _ours(model_admin) -> bool:
    return type(model_admin).__module__.split(".")[0] in OURS


def _url_name(model_admin, suffix: str) -> str:
    return f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_{suffix}"


def _custom_views() -> list:
    found = []
    for model_admin in _admins():
        standard = {_url_name(model_admin, s).removeprefix("admin:") for s in STANDARD}
        found += [(model_admin, p) for p in model_admin.get_urls() if p.name and p.name not in standard]
    return found


def _every_action(model_admin) -> dict:
    """The actions a superuser is offered: every one the admin has (an unsaved user: no query)."""
    request = RequestFactory().get("/")
    request.user = get_user_model()(username="root", is_superuser=True, is_active=True, is_staff=True)
    return model_admin.get_actions(request)


def _actions() -> list:
    return [(model_admin, name) for model_admin in _admins() for name in _every_action(model_admin)]


def _granted(role: str | None, model_admin, *verbs: str) -> bool:
    if role is None:
        return False
    perms = roles.ROLE_PERMISSIONS.get(role, set())
    return any(f"{model_admin.opts.app_label}.{get_permission_codename(v, model_admin.opts)}" in perms for v in verbs)


def _label(value) -> str:
    if hasattr(value, "opts"):
        return value.opts.label
    return getattr(value, "name", None) or str(value)


@pytest.fixture
def clients(people) -> dict:
    """clients[role] is a signed-in staff member with that role; clients[None] has no role."""
    made = {}
    for role, name in [*PERSON_FOR_ROLE.items(), (None, "nobody")]:
        made[role] = Client()
        made[role].force_login(people[name])
    return made


@pytest.fixture
def world(people, open_position):
    """One row or more in most admin tables, written through the services."""
    position = open_position()
    incident_declare(
        actor=people["ivy"], title="Feed stale", severity="P3", detected_by="ivy", runbook="", symptoms="", impact={}
    )
    journal_entry_add(author=people["pam"], entry_type="note", content="Walked by the admin test.")
    trading_halt(actor=people["oscar"], reason="admin walk")
    resume = trading_resume_request(actor=people["oscar"], reason="admin walk over")
    approval_approve(actor=people["alice"], request_id=resume.pk)
    backup = backup_services.backup_start(actor=people["oscar"], trigger="admin")
    backup_services.backup_verification_record(
        backup_id=backup.pk, actor=people["oscar"], result={"ok": True, "reason": "", "checks": []}
    )
    chains_verify_incremental()
    return {"position": position, "backup": backup}


def _object_id(model_admin) -> str:
    found = model_admin.model._default_manager.order_by("pk").first()
    return str(found.pk) if found else PLACEHOLDER


def test_the_walk_sees_every_admin_and_ours_build_on_core():
    labels = {model_admin.opts.label for model_admin in _admins()}
    assert {"audit.Event", "book.Position", "backups.Backup", "approvals.ApprovalRequest", "auth.User"} <= labels
    for model_admin in filter(_ours, _admins()):
        assert isinstance(model_admin, RoleAdmin), f"{model_admin} does not build on core.admin.RoleAdmin"


@pytest.mark.parametrize("model_admin", _admins(), ids=_label)
def test_every_admin_answers_each_role_as_the_role_table_says(clients, world, model_admin):
    object_id = _object_id(model_admin)
    changelist = reverse(_url_name(model_admin, "changelist"))
    assert Client().get(changelist).status_code == 302  # anonymous: the login page
    for role, client in clients.items():
        can_view = _granted(role, model_admin, "view", "change")
        response = client.get(changelist)
        assert response.status_code == (200 if can_view else 403), f"{role} {changelist}"
        add = client.get(reverse(_url_name(model_admin, "add")))
        assert add.status_code in ((200, 403) if _granted(role, model_admin, "add") else (403,)), f"{role} add"
        change = client.get(reverse(_url_name(model_admin, "change"), args=[object_id]))
        assert change.status_code in ((200, 302) if can_view else (403,)), f"{role} change {object_id}"
        history = client.get(reverse(_url_name(model_admin, "history"), args=[object_id]))
        expected = (200, 302) if can_view or object_id == PLACEHOLDER else (403,)
        assert history.status_code in expected, f"{role} history {object_id}"
        if _ours(model_admin):
            delete = client.post(reverse(_url_name(model_admin, "delete"), args=[object_id]), {"post": "yes"})
            assert delete.status_code == 403, f"{role} delete {object_id}"
    if _ours(model_admin) and object_id != PLACEHOLDER:
        assert model_admin.model._default_manager.filter(pk=object_id).exists()


@pytest.mark.parametrize(("model_admin", "pattern"), _custom_views(), ids=_label)
def test_every_custom_admin_page_answers_each_role_as_it_declares(clients, world, model_admin, pattern):
    declared = getattr(pattern.callback, "allowed_roles", None)
    if _ours(model_admin):
        assert declared, f"{pattern.name} declares no roles (use RoleAdmin.role_view)"
    kwargs = {name: _object_id(model_admin) for name in pattern.pattern.converters}
    url = reverse(f"admin:{pattern.name}", kwargs=kwargs)
    for role, client in clients.items():
        response = client.get(url)
        if role in (declared or ()):
            assert response.status_code in (200, 302), f"{role} {url}: {response.status_code}"
        else:
            assert response.status_code == 403, f"{role} {url}: {response.status_code}"


@pytest.mark.parametrize(("model_admin", "name"), _actions(), ids=_label)
def test_every_admin_action_is_offered_and_runs_only_for_its_roles(clients, world, model_admin, name):
    declared = getattr(_every_action(model_admin)[name][0], "allowed_roles", None)
    if _ours(model_admin):
        assert declared, f"{model_admin} action {name} declares no roles (use core.admin.action)"
    # Another project's action (django_celery_beat's) follows that model's permission in the table.
    needs = "delete" if name == "delete_selected" else "change"
    changelist = reverse(_url_name(model_admin, "changelist"))
    selected = _object_id(model_admin)
    for role, client in clients.items():
        may = role in declared if declared is not None else _granted(role, model_admin, needs)
        page = client.get(changelist)
        form = page.context.get("action_form") if page.status_code == 200 else None
        offered = form is not None and name in dict(form.fields["action"].choices)
        assert offered == may, f"{role} is {'' if offered else 'not '}offered {name}"
        if not may:
            before = Event.objects.count()
            response = client.post(changelist, {"action": name, "_selected_action": [selected]})
            assert response.status_code in (200, 302, 403), f"{role} ran {name}: {response.status_code}"
            assert Event.objects.count() == before, f"{role} ran {name}"
            if selected != PLACEHOLDER:
                assert model_admin.model._default_manager.filter(pk=selected).exists(), f"{role} ran {name}"


@pytest.mark.parametrize("app_label", sorted({a.opts.app_label for a in _admins()}))
def test_every_admin_app_page_shows_only_to_roles_granted_something_in_it(clients, app_label):
    url = reverse("admin:app_list", args=[app_label])
    for role, client in clients.items():
        granted = role is not None and any(p.startswith(f"{app_label}.") for p in roles.ROLE_PERMISSIONS[role])
        assert client.get(url).status_code == (200 if granted else 404), f"{role} {url}"


# --- The two holes of issue 11 §3, as stories --------------------------------------------


@pytest.fixture
def verified_backup(people):
    backup = backup_services.backup_start(actor=people["oscar"], trigger="admin")
    return backup_services.backup_verification_record(
        backup_id=backup.pk, actor=people["oscar"], result={"ok": True, "reason": "", "checks": []}
    )


@pytest.fixture
def verify_deliveries(monkeypatch) -> list:
    """What the admin hands to the `backups.backup_verify` task (recorded, not run)."""
    sent = []
    monkeypatch.setattr(
        current_app.tasks["backups.backup_verify"], "apply_async", lambda args, **options: sent.append(tuple(args))
    )
    return sent


def _verify_again(client, backup):
    body = {"action": "verify_again", "_selected_action": [backup.pk]}
    return client.post(reverse("admin:backups_backup_changelist"), body, follow=True)


def test_an_auditor_cannot_run_verify_again(
    clients, verified_backup, verify_deliveries, django_capture_on_commit_callbacks
):
    events = Event.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = _verify_again(clients[roles.AUDITOR], verified_backup)
    assert response.status_code == 200 and "verification queued" not in response.content.decode()
    assert verify_deliveries == [] and Event.objects.count() == events


def test_ops_runs_verify_again_on_a_worker_not_in_the_request(
    people, clients, verified_backup, verify_deliveries, django_capture_on_commit_callbacks
):
    events = Event.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = _verify_again(clients[roles.OPS], verified_backup)
    assert f"Backup #{verified_backup.pk}: verification queued" in response.content.decode()
    assert verify_deliveries == [(verified_backup.pk, people["oscar"].pk)]
    assert Event.objects.count() == events  # nothing verified yet: the worker does it


def test_the_verify_task_records_who_asked(people, verified_backup):
    assert tasks.backup_verify(verified_backup.pk, people["oscar"].pk) == "bad"  # its files do not exist
    event = Event.objects.filter(action="backups.backup.verification_failed").get()
    assert (event.actor, event.subject_id) == ("oscar", str(verified_backup.pk))


def test_only_ops_opens_a_backups_restore_page(clients, verified_backup):
    url = reverse("admin:backups_backup_restore", args=[verified_backup.pk])
    for role, client in clients.items():
        if role == roles.OPS:
            assert client.get(url).status_code == 200
        else:
            assert client.get(url).status_code == 403, role
            assert client.post(url, {"reason": "let me in"}).status_code == 403, role
    assert not ApprovalRequest.objects.exists()
    page = clients[roles.AUDITOR].get(reverse("admin:backups_backup_change", args=[verified_backup.pk]))
    assert page.status_code == 200 and "request-restore" not in page.content.decode()


def test_verify_again_on_an_unfinished_backup_says_why_and_queues_nothing(
    people, clients, verify_deliveries, django_capture_on_commit_callbacks
):
    unfinished = backup_services.backup_start(actor=people["oscar"], trigger="admin")  # queued for a worker
    with django_capture_on_commit_callbacks(execute=True):
        response = _verify_again(clients[roles.OPS], unfinished)
    page = response.content.decode()
    assert f"Backup #{unfinished.pk} is queued: only a finished backup can be verified again." in page
    assert verify_deliveries == []
