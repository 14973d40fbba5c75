/* FAQ editor: list the entries of a FAQ file, add / edit / delete one, check it and preview the answer.
 * `faq?question=…` (from the report page) opens a new entry with the question filled in.
 */
(function () {
  "use strict";

  var YB = window.YB, el = YB.el;
  var $ = function (id) { return document.getElementById(id); };
  var status = $("status");
  var params = new URLSearchParams(window.location.search);
  var FIELDS = ["question", "answer", "source", "tags", "lang", "id"];
  var state = { files: [], file: null, editing: null, busy: false };

  // ---- files and entries --------------------------------------------------------------------------
  function load(select) {
    return YB.api("api/faq").then(function (data) {
      state.files = data.files;
      var chooser = $("faq-file");
      var wanted = select || chooser.value || params.get("file") || defaultFile(data.files);
      chooser.textContent = "";
      data.files.forEach(function (f) {
        var option = el("option", "", f.file + " (" + f.entries.length + ")");
        option.value = f.file;
        chooser.appendChild(option);
      });
      if (wanted) chooser.value = wanted;
      showFile();
    }).catch(function (err) { YB.say(status, err.message, "error"); });
  }

  function defaultFile(files) {
    var policy = files.filter(function (f) { return /policy/.test(f.file); })[0];
    return (policy || files[0] || {}).file;
  }

  function current() {
    var name = $("faq-file").value;
    return state.files.filter(function (f) { return f.file === name; })[0] || null;
  }

  function showFile() {
    var file = current();
    state.file = file;
    $("file-error").hidden = !(file && file.error);
    $("file-error").textContent = file && file.error ? file.error : "";
    renderEntries();
  }

  function renderEntries() {
    var list = $("entries"), file = state.file, q = $("faq-q").value.trim().toLowerCase();
    list.textContent = "";
    if (!file) return;
    file.entries.forEach(function (stored) {
      var e = stored.entry;
      if (q && (e.question + " " + e.source + " " + e.answer).toLowerCase().indexOf(q) === -1) return;
      var li = el("li");
      var b = el("button");
      b.type = "button";
      b.dataset.index = String(stored.index);
      b.setAttribute("aria-current", String(state.editing !== null && state.editing.file === stored.file &&
                                             state.editing.index === stored.index));
      b.appendChild(el("span", "q", (stored.index + 1) + ". " + e.question));
      b.appendChild(el("span", "src", e.source));
      li.appendChild(b);
      list.appendChild(li);
    });
  }

  $("faq-file").addEventListener("change", function () { showFile(); newEntry(); });
  $("faq-q").addEventListener("input", renderEntries);
  $("entries").addEventListener("click", function (e) {
    var b = e.target.closest("button[data-index]");
    if (!b || !state.file) return;
    var index = parseInt(b.dataset.index, 10);
    var stored = state.file.entries.filter(function (s) { return s.index === index; })[0];
    if (stored) edit(stored);
  });

  // ---- the form -----------------------------------------------------------------------------------
  function fill(entry) {
    FIELDS.forEach(function (name) {
      var value = entry[name];
      if (name === "tags") value = (value || []).join(", ");
      if (name === "lang") value = value || "zh";
      $("f-" + name).value = value === null || value === undefined ? "" : value;
    });
  }

  function read() {
    var entry = {};
    FIELDS.forEach(function (name) { entry[name] = $("f-" + name).value.trim(); });
    entry.tags = entry.tags ? entry.tags.split(/[,，、;；]/).map(function (t) { return t.trim(); }).filter(Boolean) : [];
    entry.id = entry.id || null;
    return entry;
  }

  function mode(editing) {
    $("editor-mode").textContent = editing ? "编辑问答 #" + (editing.index + 1) : "新增问答";
    $("editor-mode-en").textContent = editing ? "Edit entry #" + (editing.index + 1) : "New entry";
    $("delete").hidden = !editing;
  }

  function edit(stored) {
    state.editing = stored;
    fill(stored.entry);
    mode(stored);
    clearReview();
    renderEntries();
  }

  function newEntry(question) {
    state.editing = null;
    fill({ question: question || "", answer: "", source: "", tags: [], lang: /[\u4e00-\u9fff]/.test(question || "中") ? "zh" : "en" });
    mode(null);
    clearReview();
    renderEntries();
  }

  $("new-entry").addEventListener("click", function () { newEntry(); $("f-question").focus(); });

  function target() {
    return { file: state.file ? state.file.file : "", index: state.editing ? state.editing.index : null };
  }

  function valid(entry) {
    if (!entry.question || !entry.answer || !entry.source) {
      YB.say(status, "问题、回答和出处条款都必须填写 / question, answer and source clause are required", "error");
      return false;
    }
    return true;
  }

  // ---- review -------------------------------------------------------------------------------------
  function clearReview() {
    $("review").hidden = true;
    YB.say(status, "");
  }

  function list(node, items) {
    node.textContent = "";
    items.forEach(function (text) { node.appendChild(el("li", "", text)); });
  }

  function answerBox(node, answer, empty) {
    node.textContent = "";
    if (!answer) { node.appendChild(el("p", "none", empty)); return; }
    node.appendChild(el("p", "", answer.answer));
    if (answer.sources && answer.sources.length) {
      var ol = el("ol");
      answer.sources.forEach(function (s) { ol.appendChild(el("li", "", s.title + (s.section ? " · " + s.section : ""))); });
      node.appendChild(ol);
    }
  }

  function showReview(review) {
    $("review").hidden = false;
    list($("review-errors"), review.errors);
    list($("review-warnings"), review.warnings);
    var clauses = $("review-clauses");
    clauses.textContent = "";
    if (!review.clauses.length) clauses.appendChild(el("p", "hint", "（无 / none）"));
    review.clauses.forEach(function (c) {
      var d = el("details", "clause");
      d.appendChild(el("summary", "", c.title + (c.section ? " · " + c.section : "")));
      d.appendChild(el("p", "", c.text));
      clauses.appendChild(d);
    });
    answerBox($("review-preview"), review.preview, "条款找不到，无法预览 / no preview without a resolved clause");
    answerBox($("review-current"), review.current, "（保存时不再询问 / not asked when saving）");
  }

  $("check").addEventListener("click", function () {
    var entry = read();
    if (!valid(entry)) return;
    YB.say(status, "正在检查… / checking…");
    var body = target();
    body.entry = entry;
    YB.api("api/faq/check", { json: body }).then(function (review) {
      showReview(review);
      YB.say(status, review.ok ? "检查通过，可以保存 / all checks passed; ready to save"
        : "请先修正上面的问题 / fix the problems above first", review.ok ? "ok" : "error");
    }).catch(function (err) { YB.say(status, err.message, "error"); });
  });

  function setBusy(busy) {
    state.busy = busy;
    ["check", "save", "delete", "new-entry"].forEach(function (id) { $(id).disabled = busy; });
  }

  function follow(job, select) {
    setBusy(true);
    YB.watchJob(job, function (final) {
      setBusy(false);
      load(state.file ? state.file.file : null).then(function () {
        var stored = state.file && state.file.entries.filter(function (s) { return s.index === select; })[0];
        if (select === null || !stored) newEntry(); else edit(stored);
        if (final.state === "failed") YB.say(status, final.error, "error");
        else YB.say(status, (select === null ? "已删除并同步 / deleted and synced"
          : "已保存并同步，现在就能问到 / saved and synced: answerable now"), "ok");
      });
    });
  }

  $("entry-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var entry = read();
    if (!valid(entry) || !state.file) return;
    var body = target();
    body.entry = entry;
    body.version = state.editing ? state.editing.version : null;
    var select = state.editing ? state.editing.index : state.file.entries.length;
    YB.say(status, "正在保存… / saving…");
    setBusy(true);
    YB.api("api/faq/save", { json: body }).then(function (data) { follow(data.job, select); })
      .catch(function (err) {
        setBusy(false);
        if (err.payload && err.payload.detail && err.payload.detail.review) showReview(err.payload.detail.review);
        YB.say(status, err.message, "error");
      });
  });

  $("delete").addEventListener("click", function () {
    var editing = state.editing;
    if (!editing) return;
    if (!window.confirm("确定删除这条问答？\nDelete this entry?\n\n" + editing.entry.question)) return;
    setBusy(true);
    YB.api("api/faq/delete", { json: { file: editing.file, index: editing.index, version: editing.version } })
      .then(function (data) { follow(data.job, null); })
      .catch(function (err) { setBusy(false); YB.say(status, err.message, "error"); });
  });

  load().then(function () {
    if (params.get("question")) newEntry(params.get("question").slice(0, 500));
    else newEntry();
  });
})();
