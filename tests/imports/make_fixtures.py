"""Write the import fixtures the way officials' files are really made: CSV typed as a clerk would,
opened and saved by LibreOffice Calc (`soffice --headless --convert-to xlsx/xls`), and the same CSV
saved in GBK the way WPS does on Chinese Windows.

    python tests/imports/make_fixtures.py [STEM …]   # needs soffice (Debian: libreoffice-calc-nogui)

The outputs are committed beside this script, so the tests do not need LibreOffice to run. LibreOffice
does to these files what it does to a clerk's: `0111` becomes the number 111, an 18-digit code
becomes 1.24500004985001E+17, `2015/7/1` becomes a date, `1,500` becomes 1500."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent / "fixtures"

ENTERPRISE_HEADER = "统一社会信用代码,企业名称,曾用名,法定代表人,成立日期,注册资本（万元）,住所,所在园区,产业分类,国民经济行业代码,登记注册类型"
# (file stem, the lines a clerk types). A title row sits above the header, as in real sheets.
SOURCES = {
    "registry": [
        "2025年高新区企业名录（统计局）,,,,,,,,,,",
        ENTERPRISE_HEADER,
        "91450200MA5K00012P,柳州甲科技有限公司,,李强,2015/7/1,500,柳东新区,,,0111,私营",
        '91450200MA5K00020J,柳州乙制造有限公司,,王伟,2015年7月2日,"1,500",柳东新区,,,C39,私营',
        "91450200MA5K00039F,柳州丙软件有限公司,,张敏,2015.7.3,１２０,柳东新区,,,6510,私营",
        "91450200MA5K00047A,柳州丁农业有限公司,,刘洋,2015-07-04,80.5,柳东新区,,,111,私营",
    ],
    "registry-lost-digits": [
        ENTERPRISE_HEADER,
        "124500004985001085,柳州市某事业单位,,陈静,2010/1/1,100,柳东新区,,,C39,私营",
        "91450200MA5K00012P,柳州甲科技有限公司,,李强,2015/7/1,500,柳东新区,,,0111,私营",
    ],
    "reports": [
        "企业月报（2025年1月）,,,,,,,,,,,,,,",
        "统一社会信用代码,年度,月份（年报填0）,工业总产值（元）,营业收入（元）,利润总额（元）,应交税金（元）,"
        "从业人员期末人数（人）,研发经费支出（元）,研发人员（人）,出口额（元）,综合能耗（吨标准煤）,"
        "技术合同成交额（元）,研发人员全时当量（人年）,本科及以上学历人数（人）",
        '91350100M000100Y43,2025,1,,"1,000,000.50",-20000,,１２,,,,,,,',
    ],
    # the statistics office's catalogue: a numeric code (0107) the sheet makes 107, a scale typed with
    # separators, a target in full-width digits
    "indicators": [
        "经济运行指标目录（2026年）,,,,,,,,,,,,,",
        "指标编码,指标名称,单位,数据来源,分母来源,换算除数,小数位,频度,方向,责任部门,预警值,优秀值,目标年度,目标值",
        'FZ01,规上工业总产值,亿元,reporting.output_value,,"100,000,000",2,月度,越大越好,统计局,90,110,2026,"1,080.5"',
        "FZ01,规上工业总产值,亿元,reporting.output_value,,100000000,2,月度,越大越好,统计局,90,110,2025,１０００",
        "0107,平均办理工作日,个工作日,govservices.average_workdays,,1,1,年度,越小越好,行政审批局,,,,",
    ],
    "targets": [
        "新能源汽车产业链 目标企业清单,,,",
        "环节,目标企业,所在地,说明",
        "动力电池,国轩高科股份有限公司,合肥,10 GWh + 20 GWh",
        "动力电池 ,  宁德时代新能源科技股份有限公司 ,宁德,",
        "电芯,１２３ 能源有限公司,常州,全角数字",
    ],
}
CONVERSIONS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "xls": "xls:MS Excel 97"}


def main(stems: list[str]) -> int:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("soffice not found: apt-get install libreoffice-calc-nogui", file=sys.stderr)
        return 1
    HERE.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        for stem, lines in SOURCES.items():
            if stems and stem not in stems:
                continue
            text = "\n".join(lines) + "\n"
            csv_path = HERE / f"{stem}.csv"
            csv_path.write_text(text, encoding="utf-8")
            (HERE / f"{stem}-gbk.csv").write_bytes(text.encode("gbk"))
            for ext, filt in CONVERSIONS.items():
                subprocess.run(
                    [
                        soffice,
                        f"-env:UserInstallation=file://{profile}",
                        "--headless",
                        "--infilter=CSV:44,34,76,1",  # comma, double quote, UTF-8, from line 1
                        "--convert-to",
                        filt,
                        "--outdir",
                        str(HERE),
                        str(csv_path),
                    ],
                    check=True,
                    capture_output=True,
                    timeout=120,
                )
                print("wrote", HERE / f"{stem}.{ext}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
