// Completion of the annual target by region, against the required progress (序时进度).
// Data comes from the page (json_script "completion-data"); ECharts is served locally.
(function () {
  const element = document.getElementById("completion-chart");
  const source = document.getElementById("completion-data");
  if (!element || !source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const chart = echarts.init(element);
  chart.setOption({
    animationDuration: 300,
    grid: { left: 48, right: 16, top: 24, bottom: 32 },
    tooltip: { trigger: "axis", valueFormatter: (v) => (v === null ? "—" : v + "%") },
    xAxis: { type: "category", data: data.names },
    yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
    series: [{
      type: "bar",
      name: data.label,
      data: data.values.map((v, i) => ({
        value: v,
        itemStyle: { color: data.on_track[i] === false ? "#dc3545" : "#0d6efd" },
      })),
      markLine: {
        symbol: "none",
        label: { formatter: data.required_label, position: "insideEndTop" },
        lineStyle: { color: "#fd7e14", type: "dashed" },
        data: [{ yAxis: data.required }],
      },
    }],
  });
  window.addEventListener("resize", () => chart.resize());
})();
