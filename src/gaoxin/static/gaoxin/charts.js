// Charts drawn from <script type="application/json" data-chart="ELEMENT-ID"> (core/amounts.py `chart`):
// bars or lines, the unit named on the value axis, the exact figure on hover; locally served ECharts.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof echarts === "undefined") { return; }
  var font = { fontFamily: "Noto Sans CJK SC, sans-serif" };
  var palette = ["#1456a0", "#2b8a3e", "#8a5a00", "#a61e4d", "#5f3dc4"];
  var charts = [];
  document.querySelectorAll("script[data-chart]").forEach(function (source) {
    var el = document.getElementById(source.getAttribute("data-chart"));
    if (!el) { return; }
    var spec = JSON.parse(source.textContent);
    var category = { type: "category", data: spec.categories, axisLabel: { hideOverlap: true } };
    var value = { type: "value", name: spec.unit, nameTextStyle: { align: spec.horizontal ? "center" : "right" } };
    var chart = echarts.init(el);
    chart.setOption({
      textStyle: font,
      color: palette,
      legend: spec.series.length > 1 ? { type: "scroll", bottom: 0 } : undefined,
      grid: { left: spec.horizontal ? 120 : 60, right: 40, top: 36, bottom: spec.series.length > 1 ? 56 : 30, containLabel: !spec.horizontal },
      tooltip: {
        trigger: "axis",
        formatter: function (points) {
          var esc = echarts.format.encodeHTML;  // names come from records: never markup
          var lines = [esc(points[0].axisValueLabel)];
          // a class, not ECharts' own marker: the CSP forbids style attributes in markup
          points.forEach(function (p) {
            lines.push('<span class="chart-dot c' + (p.seriesIndex % palette.length) + '"></span>' +
                       esc(p.seriesName) + "：" + esc(p.data.exact));
          });
          return lines.join("<br>");
        }
      },
      xAxis: spec.horizontal ? value : category,
      yAxis: spec.horizontal ? Object.assign(category, { inverse: true }) : value,
      series: spec.series.map(function (s) {
        return { name: s.name, type: spec.kind, data: s.data, connectNulls: false,
                 label: { show: spec.horizontal && spec.series.length === 1, position: "right" } };
      })
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
});
