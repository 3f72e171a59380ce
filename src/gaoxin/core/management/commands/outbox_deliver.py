"""gaoxin outbox_deliver: send the outbox's due deliveries, retrying failed ones with backoff (run every
minute from cron or a systemd timer; `--queue` hands the run to the task worker instead)."""

from django.core.management.base import BaseCommand

from gaoxin.core.notify import outbox_deliver, outbox_deliver_task


class Command(BaseCommand):
    help = "发送到期的消息投递（失败的按退避间隔重试）"

    def add_arguments(self, parser):
        parser.add_argument("--queue", action="store_true", help="交给后台任务执行")

    def handle(self, *args, **options):
        if options["queue"]:
            outbox_deliver_task.enqueue()
            self.stdout.write("已排队")
            return
        counts = outbox_deliver()
        self.stdout.write(f"送达 {counts['sent']}，待重试 {counts['pending']}，放弃 {counts['failed']}")
