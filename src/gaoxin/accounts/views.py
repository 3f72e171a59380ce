"""Pages of accounts: login with lock-out and second factor, password, TOTP, operators, registration."""

import segno
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from gaoxin.core.errors import DomainError
from gaoxin.core.views import run_service

from . import permissions, selectors, services
from .context_processors import CARE_COOKIE
from .forms import (
    CitizenRegisterForm,
    EnterpriseRegisterForm,
    LoginForm,
    OperatorForm,
    PasswordChangeForm,
    TotpCodeForm,
)


def login_view(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    form = LoginForm(request.POST or None)
    need_otp = False
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user = services.login_check(
                request=request, username=d["username"], password=d["password"], otp=d["otp"]
            )
        except DomainError as exc:
            need_otp = exc.code in {"otp_required", "bad_otp"}
            form.add_error(None, exc.message)
        else:
            login(request, user, backend="gaoxin.accounts.backends.LockoutModelBackend")
            return redirect(next_url or "home")
    return render(request, "accounts/login.html", {"form": form, "next": next_url, "need_otp": need_otp})


@require_POST
def display_mode_view(request):
    """Switch the large-font, high-contrast mode (适老化) on or off, for anyone, signed in or not; it is
    kept in a cookie for a year, so it holds on the login page and after signing out."""
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = "/"
    response = redirect(next_url)
    if request.POST.get("care") == "1":
        response.set_cookie(
            CARE_COOKIE,
            "1",
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    else:
        response.delete_cookie(CARE_COOKIE, samesite="Lax")
    return response


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, "您已安全退出")
    return redirect("accounts:login")


@login_required
def password_change_view(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and run_service(
        request,
        form,
        lambda d: services.password_change(
            user=request.user, old_password=d["old_password"], new_password=d["new_password"]
        ),
        "密码已修改",
    ):
        update_session_auth_hash(request, request.user)
        return redirect("home")
    return render(request, "accounts/password.html", {"form": form})


@login_required
def totp_view(request):
    user = request.user
    if not permissions.can_use_totp(user):
        raise DjangoPermissionDenied("动态口令仅对工作人员开放")
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "begin":
            try:
                services.totp_begin(user=user)
            except DomainError as exc:
                messages.error(request, exc.message)
            return redirect("accounts:totp")
        call = services.totp_confirm if action == "confirm" else services.totp_disable
        done = "动态口令已启用，今后登录需输入验证码" if action == "confirm" else "动态口令已停用"
        if run_service(request, form, lambda d: call(user=user, code=d["code"]), done):
            return redirect("accounts:totp")
    qr_svg = None
    if user.totp_secret and not user.totp_enabled:
        qr_svg = segno.make(services.totp_uri(user), error="m").svg_inline(scale=4)
    return render(request, "accounts/totp.html", {"form": form, "qr_svg": qr_svg, "secret": user.totp_secret})


@login_required
def operators_view(request):
    user = request.user
    if not permissions.can_authorise_operators(user):
        raise DjangoPermissionDenied("只有企业法定代表人账户可以授权经办人")
    form = OperatorForm(request.POST or None)
    if request.method == "POST" and run_service(
        request,
        form,
        lambda d: services.enterprise_user_create(
            actor=user,
            username=d["username"],
            password=d["password"],
            full_name=d["full_name"],
            uscc=user.enterprise_uscc,
            enterprise_name=user.enterprise_name,
            legal_rep=False,
        ),
        "已授权新的经办人",
    ):
        return redirect("accounts:operators")
    operators = selectors.operator_list(user=user)
    return render(request, "accounts/operators.html", {"form": form, "operators": operators})


@login_required
def claims_view(request):
    """Window clerks check a self-registered legal representative's licence and bind the account."""
    if not permissions.can_verify_enterprise_claims(request.user):
        raise DjangoPermissionDenied("只有窗口受理员或系统管理员可以核验企业账户")
    if request.method == "POST":
        claimant = (
            selectors.enterprise_claim_list(user=request.user)
            .filter(pk=request.POST.get("user", "0")[:18])
            .first()
        )
        if claimant is None:
            messages.error(request, "该申请已处理或不存在")
        else:
            approve = request.POST.get("decision") == "approve"
            try:
                services.enterprise_claim_verify(
                    actor=request.user,
                    user=claimant,
                    approve=approve,
                    reason=request.POST.get("reason", "")[:200],
                )
                messages.success(
                    request, f"已{'核验通过' if approve else '不予核验'}：{claimant.enterprise_name}"
                )
            except DomainError as exc:
                messages.error(request, exc.message)
        return redirect("accounts:claims")
    return render(
        request, "accounts/claims.html", {"claims": selectors.enterprise_claim_list(user=request.user)}
    )


def register_view(request):
    kind = request.GET.get("kind") or request.POST.get("kind") or "enterprise"
    form_class = CitizenRegisterForm if kind == "citizen" else EnterpriseRegisterForm
    form = form_class(request.POST or None)
    created = {}

    def create(d):
        if kind == "citizen":
            created["user"] = services.citizen_create(
                username=d["username"],
                password=d["password"],
                full_name=d["full_name"],
                id_card=d["id_card"],
                phone=d["phone"],
            )
        else:
            created["user"] = services.enterprise_user_create(
                actor=None,
                username=d["username"],
                password=d["password"],
                full_name=d["full_name"],
                uscc=d["uscc"],
                enterprise_name=d["enterprise_name"],
                legal_rep=True,
            )

    done = "注册成功" if kind == "citizen" else "注册成功：请携营业执照到任一综合窗口核验后即可办理企业事项"
    if request.method == "POST" and run_service(request, form, create, done):
        login(request, created["user"], backend="gaoxin.accounts.backends.LockoutModelBackend")
        return redirect("home")
    return render(
        request,
        "accounts/register.html",
        {"form": form, "kind": "citizen" if kind == "citizen" else "enterprise"},
    )
