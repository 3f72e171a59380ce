// Trend charts of the enterprise profile (一企一档), drawn by the locally served ECharts.
document.addEventListener("DOMContentLoaded", function () {
  var node = document.getElementById("trend-data");
  if (!node) return;
  var data = JSON.parse(node.textContent);
  var font = { fontFamily: "Noto Sans CJK SC, sans-serif" };
  var names = { revenue: "营业收入", output_value: "工业总产值", tax: "应交税金", rd_expense: "研发经费" };
  function series(source, type) {
    return Object.keys(names).filter(function (k) {
      return source.some(function (v) { return v[k] !== null && v[k] !== undefined; });
    }).map(function (k) {
      return { name: names[k], type: type, data: source.map(function (v) { return v[k]; }) };
    });
  }
  var yearlyRows = data.years.map(function (y, i) {
    var row = {};
    Object.keys(names).forEach(function (k) { row[k] = (data.yearly[k] || [])[i]; });
    return row;
  });
  var yearly = echarts.init(document.getElementById("chart-yearly"));
  yearly.setOption({
    textStyle: font, title: { text: "年度累计（万元）", textStyle: { fontSize: 14 } }, tooltip: { trigger: "axis" },
    legend: { bottom: 0 }, grid: { left: 70, right: 20, top: 40, bottom: 50 },
    xAxis: { type: "category", data: data.years }, yAxis: { type: "value" }, series: series(yearlyRows, "bar")
  });
  var monthly = echarts.init(document.getElementById("chart-monthly"));
  monthly.setOption({
    textStyle: font, title: { text: "近24个月当月值（万元）", textStyle: { fontSize: 14 } }, tooltip: { trigger: "axis" },
    legend: { bottom: 0 }, grid: { left: 70, right: 20, top: 40, bottom: 50 },
    xAxis: { type: "category", data: data.months.map(function (m) { return m.period; }) }, yAxis: { type: "value" },
    series: series(data.months, "line")
  });
  window.addEventListener("resize", function () { yearly.resize(); monthly.resize(); });
});
