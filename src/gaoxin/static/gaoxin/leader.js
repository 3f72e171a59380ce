// Charts of the leader's home page, drawn by the locally served ECharts.
document.addEventListener("DOMContentLoaded", function () {
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var font = { fontFamily: "Noto Sans CJK SC, sans-serif" };
  var industry = echarts.init(document.getElementById("chart-industry"));
  industry.setOption({
    textStyle: font, grid: { left: 110, right: 30, top: 10, bottom: 30 }, tooltip: {},
    xAxis: { type: "value" },
    yAxis: { type: "category", inverse: true, data: data.industry.map(function (d) { return d.name; }) },
    series: [{ type: "bar", data: data.industry.map(function (d) { return d.n; }), itemStyle: { color: "#1456a0" },
               label: { show: true, position: "right" } }]
  });
  var size = echarts.init(document.getElementById("chart-size"));
  size.setOption({
    textStyle: font, tooltip: { trigger: "item" }, legend: { bottom: 0 },
    series: [{ type: "pie", radius: ["40%", "70%"], data: data.size, label: { formatter: "{b}\n{c}" } }]
  });
  window.addEventListener("resize", function () { industry.resize(); size.resize(); });
});
