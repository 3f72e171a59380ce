// State diagrams of the workflow page, drawn by the locally served ECharts from each machine's table.
document.addEventListener("DOMContentLoaded", function () {
  var diagrams = JSON.parse(document.getElementById("workflow-data").textContent);
  var font = { fontFamily: "Noto Sans CJK SC, sans-serif" };
  var charts = [];
  diagrams.forEach(function (d) {
    var el = document.querySelector('.workflow-chart[data-machine="' + d.name + '"]');
    if (!el) { return; }
    // Actions that keep the state (opinions, supplied materials) are in the table, not on the chart.
    var moves = d.edges.filter(function (e) { return e.from !== e.to; });
    // Columns by distance from the first state (breadth-first), rows in order within a column.
    var level = {}, queue = [d.states[0].code];
    level[queue[0]] = 0;
    while (queue.length) {
      var at = queue.shift();
      moves.forEach(function (e) {
        if (e.from === at && level[e.to] === undefined) { level[e.to] = level[at] + 1; queue.push(e.to); }
      });
    }
    // On a narrow screen the flow runs top to bottom instead of left to right.
    var vertical = el.clientWidth < 640, rows = {}, depth = 0, breadth = 0;
    var nodes = d.states.filter(function (s) { return level[s.code] !== undefined; }).map(function (s) {
      var col = level[s.code], row = rows[col] = (rows[col] || 0) + 1;
      depth = Math.max(depth, col + 1); breadth = Math.max(breadth, row);
      return { id: s.code, name: s.label, x: vertical ? row * 100 : col * 170, y: vertical ? col * 90 : row * 70,
               itemStyle: { color: col === 0 ? "#0b7a4b" : "#1456a0" } };
    });
    el.style.height = (vertical ? depth * 90 : breadth * 70) + 80 + "px";
    var chart = echarts.init(el);
    // One arrow per state pair; parallel actions share it and are listed in its label.
    var pairs = {};
    moves.forEach(function (e) {
      var key = e.from + ">" + e.to;
      (pairs[key] = pairs[key] || { source: e.from, target: e.to, labels: [] }).labels.push(e.label);
    });
    var links = Object.keys(pairs).map(function (k) {
      var p = pairs[k];
      return { source: p.source, target: p.target, label: { show: true, formatter: p.labels.join(" / "), fontSize: 11 },
               lineStyle: { curveness: pairs[p.target + ">" + p.source] ? 0.25 : 0.08 } };
    });
    chart.setOption({
      textStyle: font, tooltip: {},
      series: [{ type: "graph", layout: "none", roam: false, left: 50, right: 50, top: 30, bottom: 30,
                 symbol: "roundRect", symbolSize: [78, 30], nodeScaleRatio: 0,
                 edgeSymbol: ["none", "arrow"], edgeSymbolSize: 9, data: nodes, links: links,
                 label: { show: true, color: "#fff", fontSize: 12 }, lineStyle: { color: "#6b7a90", width: 1.5 } }]
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
});
