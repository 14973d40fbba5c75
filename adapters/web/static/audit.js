/* Dependency licence audit page (/audit): upload an SBOM, show every component's verdict.
 * Safety rule: everything from the file or the report reaches the page through textContent only.
 */
(function () {
  "use strict";

  var VERDICTS = ["incompatible", "unresolved", "unknown", "conditional", "compatible"];
  var LABELS = {
    incompatible: ["冲突", "conflict"],
    unresolved: ["许可证未识别", "unresolved"],
    unknown: ["无法确定", "unknown"],
    conditional: ["有条件兼容", "conditional"],
    compatible: ["兼容", "compatible"]
  };
  var HOW = {
    id: "SPDX id", alias: "别名 alias", name: "名称 name", url: "链接 URL", text: "全文 text",
    unresolved: "未识别 unresolved"
  };
  var PAGE = 500;
  var MSG = {
    noFile: "请先选择 SBOM 文件。 / Choose an SBOM file first.",
    noOutbound: "请填写项目的许可证。 / Enter your project's licence.",
    tooBig: "文件超过 {mb} MB 上限。 / The file is larger than the {mb} MB limit.",
    running: "正在审计… / Auditing…",
    done: "审计完成，用时 {s} 秒。 / Audit finished in {s} s.",
    network: "网络连接失败，请稍后重试。 / Network error; please try again.",
    server: "服务暂时不可用，请稍后再试。 / The service is unavailable; please try again later.",
    invalid: "参数有误：请检查许可证和使用方式。 / Invalid parameters: check the licence and the use.",
    shown: "显示 {n} / {total} 个组件 · showing {n} of {total} components",
    components: "个组件 / components"
  };

  var body = document.body;
  var api = body.dataset.api || "api/licenses/audit";
  var maxBytes = parseInt(body.dataset.maxBytes, 10) || 20 * 1024 * 1024;
  var $ = function (id) { return document.getElementById(id); };
  var form = $("audit-form"), fileInput = $("file"), drop = $("drop"), status = $("status");
  var results = $("results"), rowsEl = $("rows"), filterEl = $("filter"), moreBtn = $("more");

  var state = { file: null, report: null, sortKey: "verdict", sortDir: 1, verdict: null, text: "", limit: PAGE };

  // ---- choosing the file --------------------------------------------------------------------------
  function setFile(file) {
    state.file = file || null;
    $("file-name").textContent = file ? file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)" : "";
  }
  fileInput.addEventListener("change", function () { setFile(fileInput.files[0]); });
  ["dragenter", "dragover"].forEach(function (name) {
    drop.addEventListener(name, function (e) { e.preventDefault(); drop.classList.add("dragging"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    drop.addEventListener(name, function () { drop.classList.remove("dragging"); });
  });
  drop.addEventListener("drop", function (e) {
    e.preventDefault();
    if (e.dataTransfer && e.dataTransfer.files.length) setFile(e.dataTransfer.files[0]);
  });

  // ---- running the audit ------------------------------------------------------------------------
  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }

  function query(format) {
    var params = new URLSearchParams();
    params.set("outbound", $("outbound").value.trim());
    params.set("use", $("use").value);
    if (format) params.set("format", format);
    return api + "?" + params.toString();
  }

  function post(format) {
    var data = new FormData();
    data.append("file", state.file, state.file.name);
    return fetch(query(format), { method: "POST", body: data, headers: { "Accept": format === "csv" ? "text/csv" : "application/json" } })
      .then(function (res) {
        if (res.ok) return res;
        return res.json().catch(function () { return {}; }).then(function (payload) {
          var detail = payload && payload.detail;
          var text = detail && typeof detail.message === "string" ? detail.message
            : res.status === 422 ? MSG.invalid : MSG.server;
          throw new Error(text);
        });
      }, function () { throw new Error(MSG.network); });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (!state.file) return say(MSG.noFile, true);
    if (!$("outbound").value.trim()) return say(MSG.noOutbound, true);
    if (state.file.size > maxBytes) return say(MSG.tooBig.replace(/\{mb\}/g, String(Math.round(maxBytes / 1048576))), true);
    var started = Date.now();
    $("run").disabled = true;
    say(MSG.running, false);
    post(null).then(function (res) { return res.json(); }).then(function (report) {
      state.report = report;
      state.verdict = null;
      state.text = "";
      filterEl.value = "";
      state.limit = PAGE;
      render();
      say(MSG.done.replace(/\{s\}/g, ((Date.now() - started) / 1000).toFixed(1)), false);
    }).catch(function (err) {
      results.hidden = true;
      say(err.message, true);
    }).then(function () { $("run").disabled = false; });
  });

  // ---- the report -------------------------------------------------------------------------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function render() {
    var r = state.report, s = r.summary;
    results.hidden = false;
    $("headline").textContent = s.headline_zh;
    $("headline-en").textContent = s.headline_en;
    var src = s.source;
    $("source").textContent = "SBOM: " + [src.format, src.spec_version, src.encoding].filter(Boolean).join(" ") +
      (src.product ? " · " + src.product : "");
    renderCounts();
    renderRows();
    renderObligations();
    renderUnresolved();
    var notes = $("notes");
    notes.textContent = "";
    s.notes.forEach(function (n) { notes.appendChild(el("p", "note", n)); });
  }

  function renderCounts() {
    var box = $("counts");
    box.textContent = "";
    state.report.summary.counts.forEach(function (c) {
      var b = el("button", "count v-" + c.verdict + (c.count ? "" : " zero"));
      b.type = "button";
      b.dataset.verdict = c.verdict;
      b.setAttribute("aria-pressed", String(state.verdict === c.verdict));
      b.appendChild(el("span", "n", c.count));
      b.appendChild(el("span", "l", c.label_zh + " · " + LABELS[c.verdict][1]));
      b.disabled = c.count === 0;
      box.appendChild(b);
    });
  }

  $("counts").addEventListener("click", function (e) {
    var b = e.target.closest("button.count");
    if (!b) return;
    state.verdict = state.verdict === b.dataset.verdict ? null : b.dataset.verdict;
    state.limit = PAGE;
    renderCounts();
    renderRows();
  });

  function visibleRows() {
    var text = state.text;
    var rows = state.report.components.filter(function (c) {
      if (state.verdict && c.verdict !== state.verdict) return false;
      if (!text) return true;
      return [c.name, c.version, c.declared, c.expression, c.purl].some(function (v) {
        return v && String(v).toLowerCase().indexOf(text) !== -1;
      });
    });
    var key = state.sortKey, dir = state.sortDir;
    rows.sort(function (a, b) {
      var x, y;
      if (key === "verdict") { x = VERDICTS.indexOf(a.verdict); y = VERDICTS.indexOf(b.verdict); }
      else { x = String(a[key] || "").toLowerCase(); y = String(b[key] || "").toLowerCase(); }
      if (x < y) return -dir;
      if (x > y) return dir;
      return a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0;
    });
    return rows;
  }

  function renderRows() {
    var rows = visibleRows();
    var frag = document.createDocumentFragment();
    rows.slice(0, state.limit).forEach(function (c) {
      var tr = el("tr", "row-" + c.verdict);
      tr.dataset.verdict = c.verdict;
      var td = el("td");
      td.appendChild(el("span", "badge v-" + c.verdict, LABELS[c.verdict][0] + " · " + LABELS[c.verdict][1]));
      tr.appendChild(td);
      tr.appendChild(el("td", "mono name", c.name));
      tr.appendChild(el("td", "mono", c.version || ""));
      var lic = el("td", "mono", c.expression || "—");
      if (c.declared && c.declared !== c.expression) lic.appendChild(el("span", "declared", c.declared));
      tr.appendChild(lic);
      tr.appendChild(el("td", "", HOW[c.resolution] || c.resolution));
      tr.appendChild(reasonCell(c));
      frag.appendChild(tr);
    });
    rowsEl.textContent = "";
    rowsEl.appendChild(frag);
    $("shown").textContent = MSG.shown.replace(/\{n\}/g, String(Math.min(rows.length, state.limit)))
      .replace(/\{total\}/g, String(rows.length));
    moreBtn.hidden = rows.length <= state.limit;
  }

  function reasonCell(c) {
    var td = el("td", "reason");
    td.appendChild(el("div", "reason-text", c.reason));
    var extra = c.conditions.concat(c.notes);
    if (c.suggestions.length) extra.push("可能是 / may be: " + c.suggestions.join(", "));
    if (c.reason_en || extra.length) {
      var d = el("details");
      d.appendChild(el("summary", "", "详情 · details"));
      if (c.reason.length > 120) d.appendChild(el("p", "", c.reason));
      if (c.reason_en) d.appendChild(el("p", "", c.reason_en));
      if (extra.length) {
        var ul = el("ul");
        extra.forEach(function (x) { ul.appendChild(el("li", "", x)); });
        d.appendChild(ul);
      }
      td.appendChild(d);
    }
    return td;
  }

  function renderObligations() {
    var box = $("obligations");
    box.textContent = "";
    var groups = state.report.obligations;
    if (!groups.length) box.appendChild(el("p", "", "没有需要履行的义务。 / No obligations."));
    groups.forEach(function (g) {
      var div = el("div", "group");
      var h = el("h3");
      h.appendChild(el("span", "badge v-" + g.verdict, LABELS[g.verdict][0]));
      h.appendChild(document.createTextNode(" " + g.license + " × " + g.component_count));
      div.appendChild(h);
      var ul = el("ul");
      g.obligations.forEach(function (o) {
        var li = el("li", "", o.zh);
        li.appendChild(el("span", "declared", o.en));
        ul.appendChild(li);
      });
      div.appendChild(ul);
      div.appendChild(el("p", "names", g.components.join(", ") + (g.component_count > g.components.length ? " …" : "")));
      box.appendChild(div);
    });
  }

  function renderUnresolved() {
    var box = $("unresolved");
    box.textContent = "";
    var items = state.report.unresolved;
    $("unresolved-title").hidden = !items.length;
    items.forEach(function (u) {
      var div = el("div", "group");
      div.appendChild(el("h3", "mono", u.declared + " × " + u.component_count));
      div.appendChild(el("p", "", u.reason_zh + " / " + u.reason_en));
      if (u.suggestions.length) div.appendChild(el("p", "", "可能是 / may be: " + u.suggestions.join(", ")));
      div.appendChild(el("p", "names", u.components.join(", ") + (u.component_count > u.components.length ? " …" : "")));
      box.appendChild(div);
    });
  }

  // ---- sorting, filtering, paging ------------------------------------------------------------------
  document.querySelector("#table thead").addEventListener("click", function (e) {
    var b = e.target.closest("button[data-key]");
    if (!b || !state.report) return;
    var key = b.dataset.key;
    state.sortDir = state.sortKey === key ? -state.sortDir : 1;
    state.sortKey = key;
    document.querySelectorAll("#table th").forEach(function (th) {
      var btn = th.querySelector("button[data-key]");
      if (!btn) return;
      th.setAttribute("aria-sort", btn.dataset.key !== key ? "none" : state.sortDir === 1 ? "ascending" : "descending");
    });
    renderRows();
  });

  var filterTimer = null;
  filterEl.addEventListener("input", function () {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(function () {
      state.text = filterEl.value.trim().toLowerCase();
      state.limit = PAGE;
      if (state.report) renderRows();
    }, 120);
  });
  moreBtn.addEventListener("click", function () { state.limit += PAGE; renderRows(); });

  // ---- downloads ----------------------------------------------------------------------------------
  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = el("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 2000);
  }
  $("dl-notice").addEventListener("click", function () {
    if (state.report) save(new Blob([state.report.notice], { type: "text/plain;charset=utf-8" }), "NOTICE.txt");
  });
  $("dl-json").addEventListener("click", function () {
    if (state.report) save(new Blob([JSON.stringify(state.report, null, 2)], { type: "application/json" }), "licence-audit.json");
  });
  $("dl-csv").addEventListener("click", function () {
    if (!state.report || !state.file) return;
    post("csv").then(function (res) { return res.blob(); })
      .then(function (blob) { save(blob, "licence-audit.csv"); })
      .catch(function (err) { say(err.message, true); });
  });
})();
