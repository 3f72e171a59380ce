from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gaoxin.accounts"
    label = "accounts"
    verbose_name = "账户与部门"
