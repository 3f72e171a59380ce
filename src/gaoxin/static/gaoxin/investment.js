// Charts of the investment pages (chain tree, KPI bars), drawn by the locally served ECharts.
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("investment-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var font = { fontFamily: "Noto Sans CJK SC, sans-serif" };
  var charts = [];
  var tree = document.getElementById("chain-tree");
  if (tree && data.tree) {
    var colour = function (node) {
      node.gap_labels = node.gap_labels || [];
      node.itemStyle = { color: node.gaps.indexOf("missing") >= 0 ? "#c62828" : (node.gaps.length ? "#e69500" : "#1e7b34") };
      node.name = node.name + "（" + node.value + "）";
      node.children.forEach(colour);
    };
    data.tree.forEach(colour);
    var chart = echarts.init(tree);
    chart.setOption({
      textStyle: font, tooltip: { trigger: "item", formatter: function (p) { return p.name + (p.data.gap_labels && p.data.gap_labels.length ? "：" + p.data.gap_labels.join("、") : ""); } },
      series: [{ type: "tree", data: data.tree.length === 1 ? data.tree : [{ name: data.title, value: 0, gaps: [], children: data.tree }],
                 top: 20, left: 90, bottom: 20, right: 160, symbolSize: 12, initialTreeDepth: -1,
                 label: { position: "left", verticalAlign: "middle", align: "right" },
                 leaves: { label: { position: "right", align: "left" } } }]
    });
    chart.on("click", function (p) {
      var row = document.getElementById("link-" + p.data.id);
      if (row) { row.scrollIntoView({ behavior: "smooth", block: "center" }); row.classList.add("highlight"); }
    });
    charts.push(chart);
  }
  var bars = function (id, labels, values, colour) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var c = echarts.init(el);
    c.setOption({ textStyle: font, tooltip: {}, grid: { left: 110, right: 30, top: 10, bottom: 30 },
                  xAxis: { type: "value", minInterval: 1 }, yAxis: { type: "category", inverse: true, data: labels },
                  series: [{ type: "bar", data: values, itemStyle: { color: colour }, label: { show: true, position: "right" } }] });
    charts.push(c);
  };
  if (data.months) { bars("kpi-months", data.months, data.signed, "#1456a0"); }
  if (data.groups) { bars("kpi-groups", data.groups, data.group_signed, "#2b8a3e"); }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
});
