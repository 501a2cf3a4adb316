// The dashboards' charts (ECharts, served from our own static files). Numbers come from the
// page (json_script "dashboard-data"), labels from each chart element's data-labels (translated
// on the server). No inline script: the Content-Security-Policy forbids it.
(function () {
  const source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const blue = "#0d6efd", red = "#dc3545", orange = "#fd7e14", grey = "#adb5bd";
  const wan = (v) => (v === null || v === undefined ? "—" : v.toLocaleString() + " 万");
  const pct = (v) => (v === null || v === undefined ? "—" : v + "%");
  const charts = [];

  function labels(element) {
    return JSON.parse(element.dataset.labels || "{}");
  }

  // A chart of amounts (万美元) over the twelve months.
  function monthChart(series) {
    return {
      tooltip: { trigger: "axis", valueFormatter: wan },
      legend: { top: 0 },
      grid: { left: 56, right: 12, top: 32, bottom: 28 },
      xAxis: { type: "category", data: data.month_labels },
      yAxis: { type: "value" },
      series: series,
    };
  }

  const builders = {
    trend(l) {
      const t = data.trend;
      return monthChart([
        { type: "line", name: l.cumulative, data: t.cumulative, itemStyle: { color: blue } },
        { type: "line", name: l.required, data: t.required, lineStyle: { type: "dashed" }, itemStyle: { color: orange }, symbol: "none" },
        { type: "line", name: l.last_year, data: t.last_year, itemStyle: { color: grey }, symbol: "none" },
      ]);
    },
    monthly(l) {
      const t = data.trend;
      return monthChart([
        { type: "bar", name: l.monthly, data: t.monthly, itemStyle: { color: blue } },
        { type: "bar", name: l.monthly_last_year, data: t.monthly_last_year, itemStyle: { color: grey } },
      ]);
    },
    ranking(l) {
      const r = data.ranking;
      return {
        tooltip: { trigger: "axis", valueFormatter: pct },
        grid: { left: 48, right: 12, top: 24, bottom: 28 },
        xAxis: { type: "category", data: r.names, axisLabel: { interval: 0 } },
        yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
        series: [{
          type: "bar",
          name: l.completion,
          data: r.values.map((v, i) => ({ value: v, itemStyle: { color: r.on_track[i] === false ? red : blue } })),
          markLine: {
            symbol: "none",
            label: { formatter: l.required, position: "insideEndTop" },
            lineStyle: { color: orange, type: "dashed" },
            data: [{ yAxis: r.required }],
          },
        }],
      };
    },
    pipeline(l) {
      const p = data.pipeline;
      return {
        tooltip: { trigger: "axis" },
        // The legend below the chart: above it, it ran into the right axis's title.
        legend: { bottom: 0 },
        grid: { left: 40, right: 56, top: 32, bottom: 48 },
        xAxis: { type: "category", data: p.names, axisLabel: { interval: 0 } },
        // Projects are counted: whole ticks only.
        yAxis: [{ type: "value", name: l.count, minInterval: 1 }, { type: "value", name: l.fdi }],
        series: [
          { type: "bar", name: l.count, data: p.counts, itemStyle: { color: blue } },
          { type: "line", name: l.fdi, yAxisIndex: 1, data: p.fdi, itemStyle: { color: orange } },
        ],
      };
    },
    // A donut is too narrow for labels beside it (they all read "…"): the legend below names
    // each slice, the tooltip gives its count and share.
    pie(l, element) {
      return {
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        legend: { bottom: 0, left: 4, right: 4, itemGap: 6, itemWidth: 10, itemHeight: 10, textStyle: { fontSize: 11 } },
        series: [{
          type: "pie",
          radius: ["28%", "52%"],
          center: ["50%", "36%"],
          data: data[element.dataset.key],
          label: { show: false },
          labelLine: { show: false },
        }],
      };
    },
    regionRank(l) {
      const r = data;
      const last = Math.max(r.ranked_count, 1);
      return {
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 40, right: 48, top: 32, bottom: 28 },
        xAxis: { type: "category", data: r.month_labels },
        yAxis: [
          // Ranks 1 (top) to the last, with a step of room at each end: the last rank's line
          // no longer lies on the x-axis. The axis title sits at its top, clear of 「1月」.
          {
            type: "value",
            name: l.rank,
            nameLocation: "start",
            inverse: true,
            min: 0,
            max: last + 1,
            interval: 1,
            axisLabel: { formatter: (v) => (v >= 1 && v <= last ? String(v) : "") },
            splitLine: { show: false },
          },
          { type: "value", name: "%", axisLabel: { formatter: "{value}%" } },
        ],
        series: [
          { type: "line", name: l.rank, data: r.ranks, itemStyle: { color: blue } },
          { type: "bar", name: l.completion, yAxisIndex: 1, data: r.completion, itemStyle: { color: "#9ec5fe" } },
          { type: "line", name: l.required, yAxisIndex: 1, data: r.required, lineStyle: { type: "dashed" }, itemStyle: { color: orange }, symbol: "none" },
        ],
      };
    },
    province(l) {
      const p = data;
      return {
        tooltip: { trigger: "axis", valueFormatter: pct },
        legend: { top: 0 },
        grid: { left: 48, right: 12, top: 32, bottom: 28 },
        xAxis: { type: "category", data: p.names, axisLabel: { interval: 0 } },
        yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
        series: [
          { type: "bar", name: l.completion, itemStyle: { color: blue }, data: p.completion.map((v, i) => ({ value: v, itemStyle: { color: p.on_track[i] === false ? red : blue } })) },
          // The legend's entry for the red bars (a city behind its schedule): a series with no
          // data of its own, a scatter so that it takes no place beside the bars.
          { type: "scatter", name: l.behind, data: [], symbol: "rect", itemStyle: { color: red } },
          // Each city's required share as a short orange bar across its column, the legend's
          // mark the same bar in the same colour (it was a dot of another colour).
          { type: "scatter", name: l.required, data: p.required, symbol: "rect", symbolSize: [72, 4], itemStyle: { color: orange }, z: 3 },
        ],
      };
    },
  };

  document.querySelectorAll("[data-chart]").forEach((element) => {
    const build = builders[element.dataset.chart];
    if (!build) return;
    const chart = echarts.init(element);
    chart.setOption(Object.assign({ animationDuration: 300 }, build(labels(element), element)));
    charts.push(chart);
  });
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();
