"""The 13 special indicator tasks of the business-environment reform (优化营商环境专项指标任务), matched
to the city's plan: 开办企业, 工程建设项目审批 and 水电气接入 are named by the zone's 2020 review; the others
follow the national 营商环境评价 indicators. A task whose work is a government-service item has its
items named by words of their names, and its figures come from the government-services read contract;
the others are entered by the statistics office with their source."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BusinessTask:
    code: str  # the catalogue code of its indicators: YSnn (time), YSnnR (on-time rate)
    name: str
    items: tuple[str, ...]  # words of the service items' names; () with `all_items` for 政务服务 itself
    measure: str = ""  # what is entered for a task without service items
    unit: str = "个工作日"
    higher_is_better: bool = False
    all_items: bool = False
    department: str = ""

    @property
    def fed(self) -> bool:
        return bool(self.items) or self.all_items


TASKS: tuple[BusinessTask, ...] = (
    BusinessTask("YS01", "开办企业", ("设立登记", "名称自主申报"), department="市场监管局"),
    BusinessTask(
        "YS02",
        "工程建设项目审批",
        ("建设工程规划许可", "建设用地规划许可", "施工许可", "竣工联合验收", "环境影响"),
        department="行政审批局",
    ),
    BusinessTask("YS03", "水电气接入", (), "水电气平均接入时间", department="住房城乡建设局"),
    BusinessTask("YS04", "登记财产", ("不动产",), department="自然资源局"),
    BusinessTask("YS05", "获得信贷", (), "小微企业贷款平均审批时间", department="金融办"),
    BusinessTask("YS06", "纳税", (), "企业年纳税时间", "小时", department="税务局"),
    BusinessTask("YS07", "跨境贸易", (), "进口整体通关时间", "小时", department="商务局"),
    BusinessTask(
        "YS08", "保护中小投资者", (), "保护中小投资者指数", "分", higher_is_better=True, department="司法局"
    ),
    BusinessTask("YS09", "执行合同", (), "解决商业纠纷平均用时", "天", department="法院"),
    BusinessTask("YS10", "办理破产", (), "破产案件平均审理时间", "天", department="法院"),
    BusinessTask("YS11", "政府采购", (), "采购合同签订平均用时", "天", department="财政局"),
    BusinessTask(
        "YS12",
        "招标投标",
        (),
        "全流程电子化招标投标率",
        "%",
        higher_is_better=True,
        department="公共资源交易中心",
    ),
    BusinessTask("YS13", "政务服务", (), all_items=True, department="行政审批局"),
)


def task_of(code: str) -> BusinessTask | None:
    base = code[:-1] if code.endswith("R") else code
    return next((t for t in TASKS if t.code == base), None)
