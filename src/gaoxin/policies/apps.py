from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "gaoxin.policies"
    label = "policies"
    verbose_name = "惠企政策"

    def ready(self):
        from gaoxin.govservices.hooks import register_submission_check

        from .services.apply import check_clause_submission

        register_submission_check(check_clause_submission)
