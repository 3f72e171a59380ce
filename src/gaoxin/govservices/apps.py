from django.apps import AppConfig


class GovservicesConfig(AppConfig):
    name = "gaoxin.govservices"
    label = "govservices"
    verbose_name = "政务服务"
