from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.core.forms import IdCardField, UsccField


class LoginForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput, max_length=200)
    otp = forms.CharField(label=_("动态验证码"), max_length=10, required=False)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("原密码"), widget=forms.PasswordInput)
    new_password = forms.CharField(
        label=_("新密码"), widget=forms.PasswordInput, help_text=_("至少8位，不能全为数字或过于常见")
    )
    new_password2 = forms.CharField(label=_("再次输入新密码"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


class TotpCodeForm(forms.Form):
    code = forms.CharField(label=_("动态验证码"), max_length=10)


class OperatorForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("经办人姓名"), max_length=60)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput)


class CitizenRegisterForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=60)
    id_card = IdCardField(label=_("居民身份证号"))
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput)


class EnterpriseRegisterForm(forms.Form):
    uscc = UsccField(label=_("统一社会信用代码"))
    enterprise_name = forms.CharField(label=_("企业名称"), max_length=120)
    full_name = forms.CharField(label=_("法定代表人姓名"), max_length=60)
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput)
