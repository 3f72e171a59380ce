from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "gaoxin.demo"
    label = "demo"
    verbose_name = "演示园区"
