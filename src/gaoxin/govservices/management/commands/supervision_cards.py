"""gaoxin supervision_cards: raise the 电子监察 cards the records call for (run daily, e.g. from cron at
00:10 after case_lights; `--queue` hands the run to the task worker instead)."""

from django.core.management.base import BaseCommand

from gaoxin.govservices.services.supervision import cards_compute, cards_compute_task


class Command(BaseCommand):
    help = "按电子监察规则亮黄牌、红牌（同一起因只亮一次）"

    def add_arguments(self, parser):
        parser.add_argument("--queue", action="store_true", help="交给后台任务执行")

    def handle(self, *args, **options):
        if options["queue"]:
            run = cards_compute_task.start(subject="supervision")
            self.stdout.write(f"已排队：任务 {run.pk}")
            return
        counts = cards_compute()
        self.stdout.write("新亮牌：" + "，".join(f"{k} {v}" for k, v in counts.items()))
