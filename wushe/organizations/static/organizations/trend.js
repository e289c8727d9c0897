// Capacity-assessment trend (能力评估): one line per dimension, read from the JSON the page
// carries next to each chart. No inline scripts (CSP).
document.addEventListener("DOMContentLoaded", () => {
  if (!window.echarts) return;
  document.querySelectorAll("[data-trend]").forEach((box) => {
    const source = document.getElementById(box.dataset.trend);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    const chart = window.echarts.init(box);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 30, right: 10, top: 30, bottom: 25 },
      xAxis: { type: "category", data: data.dates },
      yAxis: { type: "value", min: 0, max: 5, interval: 1 },
      series: data.series.map((s) => ({ name: s.name, type: "line", data: s.data })),
    });
    window.addEventListener("resize", () => chart.resize());
  });
});
