/* What people ask: the staff report as cards, four ECharts charts and the FAQ to-do lists.
 * Words, not emoji: an offline office PC may have no emoji font.
 * Charts draw on canvas with plain-text tooltips (renderMode "richText"), so citizens' questions shown in
 * them are never parsed as HTML.
 */
(function () {
  "use strict";

  var YB = window.YB, el = YB.el, echarts = window.echarts;
  var $ = function (id) { return document.getElementById(id); };
  var status = $("status");
  var COLORS = ["#0b5cad", "#2e7d32", "#b26a00", "#7b3fa0", "#6b7785", "#c62828", "#00838f"];
  var CHANNELS = { api: "网页/API web & API", web: "网页 web", wechat: "微信 WeChat", telegram: "Telegram", cli: "命令行 CLI" };
  var charts = {};

  function chart(id) {
    if (!charts[id]) charts[id] = echarts.init($(id), null, { renderer: "canvas" });
    return charts[id];
  }

  function base(empty) {
    return {
      color: COLORS,
      animation: false,
      grid: { left: 44, right: 16, top: 36, bottom: 28, containLabel: true },
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0, type: "scroll" },
      title: empty ? { text: "暂无数据 · no data", left: "center", top: "middle",
                       textStyle: { color: "#5f6b7a", fontSize: 14, fontWeight: "normal" } } : { show: false }
    };
  }

  function days(report) { return report.trend.map(function (d) { return d.day; }); }

  function drawChannels(report) {
    var names = Object.keys(report.by_channel);
    var option = base(!report.trend.length);
    option.xAxis = { type: "category", data: days(report) };
    option.yAxis = { type: "value", minInterval: 1 };
    option.series = names.map(function (name) {
      return { name: CHANNELS[name] || name, type: "bar", stack: "all",
               data: report.trend.map(function (d) { return (d.channels || {})[name] || 0; }) };
    });
    chart("chart-channels").setOption(option, true);
  }

  function drawAnswered(report) {
    var option = base(!report.trend.length);
    option.xAxis = { type: "category", data: days(report) };
    option.yAxis = { type: "value", minInterval: 1 };
    option.color = ["#2e7d32", "#c62828"];
    option.series = [
      { name: "已回答 answered", type: "bar", stack: "q", data: report.trend.map(function (d) { return d.answered; }) },
      { name: "未回答 not answered", type: "bar", stack: "q",
        data: report.trend.map(function (d) { return d.questions - d.answered; }) }
    ];
    chart("chart-answered").setOption(option, true);
  }

  function drawFeedback(report) {
    var option = base(!report.trend.length);
    option.xAxis = { type: "category", data: days(report), boundaryGap: false };
    option.yAxis = { type: "value", minInterval: 1 };
    option.color = ["#2e7d32", "#c62828"];
    option.series = [
      { name: "赞 up", type: "line", symbolSize: 7, data: report.trend.map(function (d) { return d.up; }) },
      { name: "踩 down", type: "line", symbolSize: 7, data: report.trend.map(function (d) { return d.down; }) }
    ];
    chart("chart-feedback").setOption(option, true);
  }

  function short(text, n) { return text.length > n ? text.slice(0, n - 1) + "…" : text; }

  function drawTopics(report) {
    var groups = report.top_questions.slice(0, 10).reverse();
    var option = base(!groups.length);
    option.legend = { show: false };
    option.tooltip = { trigger: "item", renderMode: "richText" };
    option.grid = { left: 8, right: 24, top: 8, bottom: 8, containLabel: true };
    option.xAxis = { type: "value", minInterval: 1 };
    option.yAxis = { type: "category", data: groups.map(function (g) { return short(g.example, 22); }),
                     axisLabel: { width: 260, overflow: "truncate" } };
    option.series = [{ name: "提问次数 questions", type: "bar", data: groups.map(function (g) { return g.count; }),
                       label: { show: true, position: "right" } }];
    chart("chart-topics").setOption(option, true);
  }

  function groupsList(node, groups, empty) {
    node.textContent = "";
    if (!groups.length) { node.appendChild(el("li", "empty", empty)); return; }
    groups.forEach(function (g) {
      var li = el("li");
      li.appendChild(el("span", "q", g.example));
      li.appendChild(el("span", "n", "× " + g.count));
      var write = el("a", "button secondary write", "写 FAQ 答案 · write an FAQ answer");
      write.href = "faq?question=" + encodeURIComponent(g.example);
      li.appendChild(write);
      var others = g.variants.filter(function (v) { return v !== g.example; });
      if (others.length) li.appendChild(el("span", "variants", "其他问法 / also asked as: " + others.slice(0, 4).join(" · ")));
      node.appendChild(li);
    });
  }

  function pct(value) { return value === null || value === undefined ? "–" : (value * 100).toFixed(1) + "%"; }

  function render(report) {
    $("c-total").textContent = String(report.total_questions);
    $("c-rate").textContent = pct(report.answer_rate);
    $("c-refused").textContent = String(report.no_answer);
    $("c-feedback").textContent = report.feedback_up + " / " + report.feedback_down;
    $("c-latency").textContent = report.latency_p50_ms === null ? "–"
      : Math.round(report.latency_p50_ms) + " / " + Math.round(report.latency_p95_ms) + " ms";
    drawChannels(report);
    drawAnswered(report);
    drawFeedback(report);
    drawTopics(report);
    groupsList($("unanswered"), report.unanswered, "这段时间没有未回答的问题 / nothing unanswered in this period");
    groupsList($("downvoted"), report.downvoted, "这段时间没有“踩” / no down-votes in this period");
  }

  function load() {
    var since = $("since").value;
    ["questions", "feedback", "todo"].forEach(function (kind) {
      $("export-" + kind).href = "api/export?kind=" + kind + "&since=" + encodeURIComponent(since);
    });
    YB.say(status, "");
    YB.api("api/report?since=" + encodeURIComponent(since) + "&limit=30").then(render)
      .catch(function (err) { YB.say(status, err.message, "error"); });
  }

  $("since").addEventListener("change", load);
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
  load();
})();
