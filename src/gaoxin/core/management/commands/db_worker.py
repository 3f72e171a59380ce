"""django-tasks-db's worker, which first marks failed the runs a killed worker left "running"."""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from gaoxin.core.tasks import recover_interrupted


class Command(DbWorkerCommand):
    def handle(self, *args, **options):
        marked = recover_interrupted()
        if marked:
            self.stderr.write(f"已将 {len(marked)} 个中断的任务标记为失败：{', '.join(map(str, marked))}")
        return super().handle(*args, **options)
