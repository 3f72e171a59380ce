"""Accounts: lock-out, second factor, password change, enterprise operators, citizens, permissions."""

import threading

import pyotp
import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from gaoxin.accounts import permissions, selectors, services
from gaoxin.accounts.models import LoginCounter, User
from gaoxin.core.errors import Conflict, NotAuthenticated, PermissionDenied, ValidationFailed
from gaoxin.core.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def login(username, password, otp=None):
    return services.login_check(request=None, username=username, password=password, otp=otp)


class FakeRequest:
    """What login_check reads of a request: the client's address (Django's authenticate passes it on)."""

    def __init__(self, ip):
        self.META = {"REMOTE_ADDR": ip}


def login_from(ip, username, password, otp=None):
    return services.login_check(request=FakeRequest(ip), username=username, password=password, otp=otp)


def refusal(call) -> tuple[type, str, str]:
    with pytest.raises((NotAuthenticated, PermissionDenied)) as info:
        call()
    return type(info.value), info.value.code, info.value.message


class TestLockout:
    def test_five_failures_lock_the_account_even_for_the_right_password(self, clerk):
        for _ in range(5):
            with pytest.raises(NotAuthenticated):
                login("clerk", "wrong")
        with pytest.raises(PermissionDenied, match="锁定"):
            login("clerk", DEFAULT_PASSWORD)
        assert AuditEvent.objects.filter(action="account.locked").count() == 1

    def test_success_resets_the_counter(self, clerk):
        for _ in range(4):
            with pytest.raises(NotAuthenticated):
                login("clerk", "wrong")
        login("clerk", DEFAULT_PASSWORD)
        for _ in range(4):
            with pytest.raises(NotAuthenticated):
                login("clerk", "wrong")
        assert login("clerk", DEFAULT_PASSWORD) == clerk

    def test_lock_expires_and_backs_off(self, clerk, settings):
        for _ in range(5):
            with pytest.raises(NotAuthenticated):
                login("clerk", "wrong")
        first = LoginCounter.objects.get(username="clerk")
        assert first.locked_until - timezone.now() > timezone.timedelta(minutes=settings.LOCKOUT_MINUTES - 1)
        LoginCounter.objects.filter(pk=first.pk).update(locked_until=timezone.now())
        for _ in range(5):
            with pytest.raises(NotAuthenticated):
                login("clerk", "wrong")
        second = LoginCounter.objects.get(pk=first.pk)
        assert second.lockouts == 2
        assert second.locked_until - timezone.now() > timezone.timedelta(
            minutes=2 * settings.LOCKOUT_MINUTES - 1
        )
        LoginCounter.objects.filter(pk=first.pk).update(locked_until=timezone.now())
        assert login("clerk", DEFAULT_PASSWORD) == clerk

    def test_admin_unlocks(self, clerk, admin_user):
        for _ in range(5):
            with pytest.raises(NotAuthenticated):
                login("clerk", "wrong")
        with pytest.raises(PermissionDenied):
            services.user_unlock(actor=clerk, user=clerk)
        services.user_unlock(actor=admin_user, user=clerk)
        assert login("clerk", DEFAULT_PASSWORD) == clerk

    def test_login_page_shows_the_lock(self, clerk):
        c = Client()
        for _ in range(5):
            c.post("/accounts/login/", {"username": "clerk", "password": "x"})
        r = c.post("/accounts/login/", {"username": "clerk", "password": DEFAULT_PASSWORD})
        assert r.status_code == 200 and "锁定" in r.content.decode()

    def test_a_stranger_elsewhere_cannot_lock_the_owner_out(self, admin_user):
        for _ in range(20):
            refusal(lambda: login_from("198.51.100.66", "admin", "guess"))
        assert refusal(lambda: login_from("198.51.100.66", "admin", DEFAULT_PASSWORD))[1] == "account_locked"
        assert login_from("10.0.0.5", "admin", DEFAULT_PASSWORD) == admin_user

    def test_the_answer_does_not_tell_whether_the_user_exists(self, clerk):
        ip = "192.0.2.1"
        assert refusal(lambda: login_from(ip, "clerk", "wrong")) == refusal(
            lambda: login_from(ip, "nobody-here", "wrong")
        )
        for name in ("clerk", "nobody-here"):
            for _ in range(4):
                refusal(lambda name=name: login_from(ip, name, "wrong"))
        locked_known = refusal(lambda: login_from(ip, "clerk", DEFAULT_PASSWORD))
        locked_unknown = refusal(lambda: login_from(ip, "nobody-here", DEFAULT_PASSWORD))
        assert locked_known[1] == "account_locked"
        assert locked_known == locked_unknown
        # The page says the same too.
        c = Client(REMOTE_ADDR="192.0.2.2")
        pages = [
            c.post("/accounts/login/", {"username": n, "password": "x"}).content.decode()
            for n in ("clerk", "nobody-here")
        ]
        assert "用户名或密码不正确" in pages[0] and "用户名或密码不正确" in pages[1]

    def test_a_locked_accounts_tokens_stop_working_while_it_is_locked(self, clerk):
        c = Client(REMOTE_ADDR="192.0.2.9")
        body = {"username": "clerk", "password": DEFAULT_PASSWORD}
        token = c.post("/api/v1/auth/token", body, content_type="application/json").json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        assert c.get("/api/v1/auth/me", headers=auth).status_code == 200
        for _ in range(5):
            c.post("/api/v1/auth/token", {**body, "password": "x"}, content_type="application/json")
        assert c.get("/api/v1/auth/me", headers=auth).status_code == 401
        LoginCounter.objects.filter(username="clerk").update(locked_until=timezone.now())
        assert c.get("/api/v1/auth/me", headers=auth).status_code == 200
        User.objects.filter(pk=clerk.pk).update(locked_until=timezone.now() + timezone.timedelta(hours=1))
        assert c.get("/api/v1/auth/me", headers=auth).status_code == 401


@pytest.mark.django_db(transaction=True)
def test_forty_parallel_wrong_passwords_check_at_most_five(clerk, settings):
    """Real threads, each with its own connection: PostgreSQL's row lock or SQLite's write lock
    decides; the counter is taken before the password is checked, so at most five are checked."""
    settings.LOCKOUT_THRESHOLD = 5
    barrier = threading.Barrier(40)
    outcomes: list[str] = []

    def attempt():
        try:
            barrier.wait(timeout=30)
            login_from("203.0.113.50", "clerk", "wrong")
        except NotAuthenticated as exc:
            outcomes.append(exc.code)
        except PermissionDenied as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 40
    assert outcomes.count("bad_credentials") <= 5
    assert outcomes.count("account_locked") >= 35
    assert LoginCounter.objects.get(username="clerk", client="203.0.113.50").locked_until is not None


class TestTotp:
    def test_enable_then_login_needs_the_code(self, clerk):
        secret = services.totp_begin(user=clerk)
        with pytest.raises(ValidationFailed):
            services.totp_confirm(
                user=clerk, code="000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
            )
        services.totp_confirm(user=clerk, code=pyotp.TOTP(secret).now())
        with pytest.raises(NotAuthenticated) as exc:
            login("clerk", DEFAULT_PASSWORD)
        assert exc.value.code == "otp_required"
        assert login("clerk", DEFAULT_PASSWORD, otp=pyotp.TOTP(secret).now()) == clerk

    def test_only_staff_may_use_totp(self, ent_user):
        with pytest.raises(PermissionDenied):
            services.totp_begin(user=ent_user)

    def test_login_page_asks_for_the_code(self, clerk):
        secret = services.totp_begin(user=clerk)
        services.totp_confirm(user=clerk, code=pyotp.TOTP(secret).now())
        c = Client()
        r = c.post("/accounts/login/", {"username": "clerk", "password": DEFAULT_PASSWORD})
        assert "动态验证码" in r.content.decode() and 'name="otp"' in r.content.decode()
        r = c.post(
            "/accounts/login/",
            {"username": "clerk", "password": DEFAULT_PASSWORD, "otp": pyotp.TOTP(secret).now()},
        )
        assert r.status_code == 302


class TestPasswords:
    def test_project_hashes_passwords_with_argon2(self):
        from gaoxin import settings as project

        assert project.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"

    def test_change_checks_the_old_one_and_revokes_tokens(self, clerk):
        token, key = services.token_issue(user=clerk)
        with pytest.raises(ValidationFailed, match="原密码"):
            services.password_change(user=clerk, old_password="bad", new_password="Another-pass-2026")
        with pytest.raises(ValidationFailed):
            services.password_change(user=clerk, old_password=DEFAULT_PASSWORD, new_password="12345678")
        services.password_change(user=clerk, old_password=DEFAULT_PASSWORD, new_password="Another-pass-2026")
        assert services.token_user(key) is None
        assert login("clerk", "Another-pass-2026") == clerk


def create_enterprise_user(actor, username, uscc, *, legal_rep):
    return services.enterprise_user_create(
        actor=actor,
        username=username,
        password=f"{username}-Pass-2026",
        full_name=f"{username}姓名",
        uscc=uscc,
        enterprise_name="示例科技有限公司",
        legal_rep=legal_rep,
    )


class TestEnterpriseAccounts:
    def test_online_registration_only_claims_until_a_clerk_verifies(self, clerk):
        rep = create_enterprise_user(None, "rep", "91350100m000100y43", legal_rep=True)
        assert (rep.enterprise_uscc, rep.claimed_uscc) == ("", "91350100M000100Y43")
        assert not permissions.can_act_for_enterprise(rep, "91350100M000100Y43")
        assert not permissions.can_authorise_operators(rep)
        services.enterprise_claim_verify(actor=clerk, user=rep, approve=True)
        rep.refresh_from_db()
        assert permissions.can_act_for_enterprise(rep, "91350100M000100Y43")
        op = create_enterprise_user(rep, "op", rep.enterprise_uscc, legal_rep=False)
        assert op.authorised_by == rep and op.enterprise_uscc == rep.enterprise_uscc
        assert not permissions.can_authorise_operators(op)
        assert AuditEvent.objects.filter(action="account.claim_verify").count() == 1

    def test_a_second_claim_on_a_verified_enterprise_is_a_conflict(self, ent_user, clerk):
        claimant = create_enterprise_user(None, "rep2", ent_user.enterprise_uscc, legal_rep=True)
        with pytest.raises(Conflict, match="已有已核验"):
            services.enterprise_claim_verify(actor=clerk, user=claimant, approve=True)

    def test_refusing_a_claim_needs_a_reason_and_deactivates(self, clerk):
        rep = create_enterprise_user(None, "rep", "91350100M000100Y43", legal_rep=True)
        with pytest.raises(ValidationFailed):
            services.enterprise_claim_verify(actor=clerk, user=rep, approve=False)
        services.enterprise_claim_verify(
            actor=clerk, user=rep, approve=False, reason="营业执照与法定代表人不符"
        )
        rep.refresh_from_db()
        assert not rep.is_active and rep.enterprise_uscc == ""
        assert rep not in selectors.enterprise_claim_list(user=clerk)

    def test_only_clerks_and_admins_verify(self, ent_user, leader):
        rep = create_enterprise_user(None, "rep", "91350100M000100Y43", legal_rep=True)
        for actor in (ent_user, leader):
            with pytest.raises(PermissionDenied):
                services.enterprise_claim_verify(actor=actor, user=rep, approve=True)

    def test_clerk_opens_a_bound_account_at_the_window(self, clerk):
        rep = create_enterprise_user(clerk, "rep", "91350100M000100Y43", legal_rep=True)
        assert rep.enterprise_uscc == "91350100M000100Y43"
        with pytest.raises(Conflict):
            create_enterprise_user(clerk, "rep2", "91350100M000100Y43", legal_rep=True)

    def test_only_the_verified_legal_rep_authorises_operators(self, ent_user):
        with pytest.raises(PermissionDenied, match="法定代表人"):
            create_enterprise_user(None, "op", ent_user.enterprise_uscc, legal_rep=False)
        op = create_enterprise_user(ent_user, "op", ent_user.enterprise_uscc, legal_rep=False)
        with pytest.raises(PermissionDenied):
            create_enterprise_user(op, "op2", ent_user.enterprise_uscc, legal_rep=False)

    def test_invalid_uscc_is_refused_with_its_reason(self):
        with pytest.raises(ValidationFailed, match="校验位"):
            create_enterprise_user(None, "rep", "91350100M000100Y44", legal_rep=True)

    def test_claims_page_lists_and_verifies(self, clerk):
        rep = create_enterprise_user(None, "rep", "91350100M000100Y43", legal_rep=True)
        c = Client()
        c.force_login(clerk)
        assert "91350100M000100Y43" in c.get("/accounts/claims/").content.decode()
        r = c.post("/accounts/claims/", {"user": rep.pk, "decision": "approve"})
        assert r.status_code == 302
        rep.refresh_from_db()
        assert rep.enterprise_uscc == "91350100M000100Y43"
        assert "没有待核验的申请" in c.get("/accounts/claims/").content.decode()


class TestCitizens:
    def test_registration_validates_and_masks_the_id(self):
        c = Client()
        r = c.post(
            "/accounts/register/",
            {
                "kind": "citizen",
                "username": "zhang",
                "full_name": "张三",
                "id_card": "110105194912310021",
                "password": "Zhang-pass-2026",
            },
        )
        assert "校验位" in r.content.decode() and not User.objects.filter(username="zhang").exists()
        r = c.post(
            "/accounts/register/",
            {
                "kind": "citizen",
                "username": "zhang",
                "full_name": "张三",
                "id_card": "11010519491231002x",
                "password": "Zhang-pass-2026",
            },
        )
        assert r.status_code == 302
        me = c.get("/api/v1/auth/me").json()
        assert me["id_card_masked"] == "110105********002X" and me["home"] == "applicant"

    def test_same_id_twice_is_a_conflict(self, citizen):
        with pytest.raises(Conflict):
            services.citizen_create(
                username="dup", password="Dup-pass-2026", full_name="x", id_card=citizen.id_card
            )


class TestPredicates:
    def test_roles_are_scoped_to_departments(self, clerk, dept):
        from tests.factories import department

        other = department("housing", "住房和城乡建设局")
        assert permissions.has_role(clerk, "window_clerk")
        assert permissions.has_role(clerk, "window_clerk", department_id=dept.pk)
        assert not permissions.has_role(clerk, "window_clerk", department_id=other.pk)
        assert not permissions.has_role(clerk, "approver")

    def test_enterprise_users_hold_no_staff_role(self, ent_user):
        assert not permissions.has_role(ent_user, "window_clerk")
        assert permissions.home_kind(ent_user) == "applicant"

    def test_has_perm_comes_from_the_predicates(self, clerk, admin_user, leader):
        assert admin_user.has_perm("core.manage_calendar") and not clerk.has_perm("core.manage_calendar")
        assert leader.has_perm("core.view_audit") and not clerk.has_perm("core.view_audit")

    def test_pages_refuse_the_wrong_role(self, clerk):
        c = Client()
        c.force_login(clerk)
        assert c.get("/calendar/").status_code == 403
        assert c.get("/audit/").status_code == 403
        assert c.get("/accounts/operators/").status_code == 403


def test_stored_passwords_are_argon2(settings):
    from gaoxin import settings as project

    settings.PASSWORD_HASHERS = project.PASSWORD_HASHERS
    user = User.objects.create_user(username="hashme", password="Some-pass-2026")
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("Some-pass-2026")
