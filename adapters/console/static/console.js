/* YuanBot staff console: what every page shares (window.YB).
 * Safety rule: text from the server (file names, titles, questions, answers) reaches the page through
 * textContent only, never innerHTML. Every POST carries the session's CSRF token in X-CSRF-Token.
 */
(function () {
  "use strict";

  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";

  var MSG = {
    network: "网络连接失败，请稍后重试 / Network error; please try again",
    server: "服务暂时不可用，请稍后再试 / The service is unavailable; please try again later",
    signedOut: "登录已过期，正在跳转到登录页… / Your sign-in has expired; going to the sign-in page…"
  };
  var STATES = { running: "进行中 · running", done: "完成 · done", failed: "失败 · failed" };
  var STAGES = {
    checking: "检查文件… / checking the files…",
    embedding: "向量化 / embedding",
    loading: "载入新索引… / loading the new index…",
    publishing: "让所有进程使用新索引… / making it live in every worker…",
    finished: ""
  };
  var LABELS = { added: "新增 added", updated: "更新 updated", removed: "删除 removed", failed: "失败 failed" };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function say(node, text, kind) {
    if (!node) return;
    node.textContent = text || "";
    node.classList.toggle("error", kind === "error");
    node.classList.toggle("ok", kind === "ok");
  }

  function messageOf(payload, status) {
    if (payload) {
      if (typeof payload.message === "string" && payload.message) return payload.message;
      var detail = payload.detail;
      if (detail && typeof detail.message === "string") return detail.message;
    }
    return status >= 500 ? MSG.server : "请求被拒绝 / request refused (" + status + ")";
  }

  /* fetch JSON; resolves with the payload, rejects with an Error whose message a person can read
     (err.status and err.payload carry the details). */
  function api(path, options) {
    options = options || {};
    var method = options.method || (options.json || options.form ? "POST" : "GET");
    var headers = { "Accept": "application/json" };
    var body;
    if (method !== "GET") headers["X-CSRF-Token"] = csrf;
    if (options.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.json);
    } else if (options.form) {
      body = options.form;
    }
    return fetch(path, { method: method, headers: headers, body: body, credentials: "same-origin" })
      .then(function (res) {
        return res.json().catch(function () { return null; }).then(function (payload) {
          if (res.status === 401) {
            var err401 = new Error(MSG.signedOut);
            err401.status = 401;
            setTimeout(function () {
              window.location.href = "signin?next=" + encodeURIComponent(document.body.dataset.page || "");
            }, 800);
            throw err401;
          }
          if (!res.ok) {
            var err = new Error(messageOf(payload, res.status));
            err.status = res.status;
            err.payload = payload;
            throw err;
          }
          return payload;
        });
      }, function () { throw new Error(MSG.network); });
  }

  function when(value) {
    if (value === null || value === undefined || value === "") return "";
    var date = typeof value === "number" ? new Date(value * 1000) : new Date(value);
    if (isNaN(date.getTime())) return String(value);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + " " +
      pad(date.getHours()) + ":" + pad(date.getMinutes());
  }

  // ---- ingest jobs: live progress from server-sent events -----------------------------------------
  var panel = {
    box: document.getElementById("job"),
    label: document.getElementById("job-label"),
    state: document.getElementById("job-state"),
    bar: document.getElementById("job-bar"),
    fill: document.getElementById("job-fill"),
    stage: document.getElementById("job-stage"),
    result: document.getElementById("job-result")
  };

  function percent(job) {
    if (job.state !== "running") return 100;
    if (job.stage === "embedding" && job.total) return 5 + Math.round(80 * Math.min(1, job.done / job.total));
    return { checking: 3, embedding: 5, loading: 88, publishing: 94, finished: 100 }[job.stage] || 0;
  }

  function summary(result) {
    return "完成：" + result.added.length + " 新增，" + result.updated.length + " 更新，" + result.removed.length +
      " 删除，" + result.unchanged + " 未变，" + result.failed.length + " 失败；" + result.chunks + " 块，" +
      result.seconds + " 秒 / done: " + result.added.length + " added, " + result.updated.length + " updated, " +
      result.removed.length + " removed, " + result.unchanged + " unchanged, " + result.failed.length +
      " failed; " + result.chunks + " chunks in " + result.seconds + " s";
  }

  function showJob(job) {
    if (!panel.box) return;
    panel.box.hidden = false;
    panel.box.classList.toggle("done", job.state === "done");
    panel.box.classList.toggle("failed", job.state === "failed");
    panel.box.dataset.state = job.state;
    panel.label.textContent = job.label;
    panel.state.textContent = STATES[job.state] || job.state;
    var pct = percent(job);
    panel.fill.style.width = pct + "%";
    panel.bar.setAttribute("aria-valuenow", String(pct));
    var stage = STAGES[job.stage] || "";
    if (job.stage === "embedding" && job.total !== null) stage += " " + job.done + " / " + job.total;
    panel.stage.textContent = job.state === "failed" ? (job.error || "") : job.result ? summary(job.result) : stage;
    panel.result.textContent = "";
    if (!job.result) return;
    ["added", "updated", "removed"].forEach(function (kind) {
      job.result[kind].forEach(function (doc) {
        var li = el("li", "r-" + kind);
        li.appendChild(el("span", "tag tag-" + kind, LABELS[kind]));
        li.appendChild(el("span", "mono", doc));
        panel.result.appendChild(li);
      });
    });
    job.result.failed.forEach(function (f) {
      var li = el("li", "r-failed");
      li.appendChild(el("span", "tag tag-failed", LABELS.failed));
      li.appendChild(el("span", "mono", f.path));
      li.appendChild(document.createTextNode(": " + f.reason));
      panel.result.appendChild(li);
    });
  }

  /* Follow a job until it ends; onEnd(job) once. Server-sent events, with polling as the fallback. */
  function watchJob(job, onEnd) {
    showJob(job);
    var ended = false;
    function end(final) {
      if (ended) return;
      ended = true;
      showJob(final);
      if (onEnd) onEnd(final);
    }
    if (job.state !== "running") { end(job); return; }
    var source = new EventSource("api/jobs/" + encodeURIComponent(job.id) + "/events");
    source.addEventListener("progress", function (e) { showJob(JSON.parse(e.data)); });
    source.addEventListener("end", function (e) { source.close(); end(JSON.parse(e.data)); });
    source.onerror = function () {
      source.close();
      if (ended) return;
      var poll = function () {
        api("api/jobs/" + encodeURIComponent(job.id)).then(function (data) {
          if (data.job.state === "running") { showJob(data.job); setTimeout(poll, 1000); } else { end(data.job); }
        }).catch(function () { setTimeout(poll, 2000); });
      };
      poll();
    };
  }

  window.YB = { api: api, el: el, say: say, when: when, watchJob: watchJob, showJob: showJob, csrf: csrf };
})();
