// The economy cockpit's trend chart, drawn by the locally served ECharts.
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("economy-data");
  var el = document.getElementById("economy-trend");
  if (!source || !el || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    textStyle: { fontFamily: "Noto Sans CJK SC, sans-serif" },
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", top: 0 },
    grid: { left: 60, right: 30, top: 40, bottom: 30 },
    xAxis: { type: "category", data: data.years.map(String) },
    yAxis: { type: "value" },
    series: data.series.map(function (s) { return { name: s.name, type: "line", data: s.values, connectNulls: false }; })
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
