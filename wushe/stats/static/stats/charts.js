// Dashboard charts, drawn from the JSON endpoint the container names (data-chart-url). The
// same numbers are in the table beside each chart, so the page reads without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.echarts) return;
  document.querySelectorAll("[data-chart-url]").forEach(async (box) => {
    const urls = box.dataset.chartUrl.split(" ");
    const answers = await Promise.all(urls.map((u) => fetch(u, { credentials: "same-origin" }).then((r) => r.json())));
    const first = answers[0];
    if (!first || !first.labels) return;
    const kind = box.dataset.chartKind || (first.by === "child" ? "bar" : "line");
    const chart = window.echarts.init(box);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 50, right: 50, top: 36, bottom: first.by === "child" ? 70 : 30 },
      xAxis: { type: "category", data: first.labels, axisLabel: { rotate: first.by === "child" ? 30 : 0 } },
      yAxis: answers.length > 1 && answers.some((a) => a.unit !== first.unit)
        ? [{ type: "value", name: first.unit }, { type: "value", name: answers.find((a) => a.unit !== first.unit).unit }]
        : [{ type: "value", name: first.unit }],
      series: answers.map((a) => ({
        name: a.name + (a.estimate ? "（估算）" : ""),
        type: kind,
        yAxisIndex: a.unit !== first.unit ? 1 : 0,
        data: a.values,
        smooth: false,
      })),
    });
    window.addEventListener("resize", () => chart.resize());
  });
});
