/* Documents page: the list, upload (drag and drop, several files), replace, delete, metadata, sync. */
(function () {
  "use strict";

  var YB = window.YB, el = YB.el;
  var $ = function (id) { return document.getElementById(id); };
  var body = document.body;
  var maxBytes = parseInt(body.dataset.maxBytes, 10) || 50 * 1048576;
  var maxFiles = parseInt(body.dataset.maxFiles, 10) || 20;
  var PAGE = 200;
  var ORDER = ["policy", "standard", "faq", "other", "license"];
  var KINDS = { policy: "政策 policy", standard: "标准 standard", license: "许可证 licence", faq: "FAQ", other: "其他 other" };
  var STATUS = { in_force: "现行有效 · in force", expired: "已失效 · expired", superseded: "已被替代 · superseded" };
  var PENDING = { "new": "待同步：新文件 / not yet synced: new", changed: "待同步：已修改 / not yet synced: changed",
                  missing: "文件已不在，下次同步时移除 / file gone; removed at the next sync" };
  var MSG = {
    tooMany: "一次最多上传 {n} 个文件 / at most {n} files per upload",
    tooBig: "文件超过 {mb} MB 上限 / The file is larger than the {mb} MB limit",
    chosen: "已选择 {n} 个文件 / {n} file(s) chosen",
    confirmDelete: "确定删除 {doc}？文件会从知识库文件夹中删除，并从索引中移除。\nDelete {doc}? The file is removed from the knowledge folder and the index.",
    shown: "（显示 {n} / {total}）"
  };

  var state = { docs: [], folders: [], files: [], limit: PAGE, busy: false, replacing: null, meta: null };
  var status = $("status");

  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, k) { return String(values[k]); });
  }

  // ---- the list -----------------------------------------------------------------------------------
  function load() {
    return YB.api("api/documents").then(function (data) {
      state.docs = data.documents.sort(function (a, b) {  // policy first: what staff change most
        var x = ORDER.indexOf(a.kind), y = ORDER.indexOf(b.kind);
        return x !== y ? x - y : (a.doc_id < b.doc_id ? -1 : a.doc_id > b.doc_id ? 1 : 0);
      });
      fillFolders(data.folders);
      if (!data.writable) {
        YB.say(status, "知识库文件夹不可写，只能查看：" + data.knowledge_dir + "。请将 YUANBOT_KNOWLEDGE_DIR 设为一个可写的文件夹。" +
          " / The knowledge folder is read-only here; set YUANBOT_KNOWLEDGE_DIR to a writable folder.", "error");
      }
      render();
      if (data.job && data.job.state === "running" && !state.busy) follow(data.job);
    }).catch(function (err) { YB.say(status, err.message, "error"); });
  }

  function fillFolders(folders) {
    var select = $("folder"), current = select.value || localStorage.getItem("yb-folder") || "policy";
    select.textContent = "";
    folders.forEach(function (f) {
      var option = el("option", "", f);
      option.value = f;
      select.appendChild(option);
    });
    if (folders.indexOf(current) !== -1) select.value = current;
  }

  function matches(doc) {
    var q = $("q").value.trim().toLowerCase(), kind = $("kind").value, st = $("state").value;
    if (kind && doc.kind !== kind) return false;
    if (st === "pending" && !doc.pending) return false;
    if (st === "error" && !doc.error) return false;
    if (st && st !== "pending" && st !== "error" && doc.status !== st) return false;
    if (!q) return true;
    return [doc.title, doc.doc_id, doc.issuer, doc.doc_number].some(function (v) {
      return v && String(v).toLowerCase().indexOf(q) !== -1;
    });
  }

  function render() {
    var rows = state.docs.filter(matches);
    var tbody = $("rows"), frag = document.createDocumentFragment();
    rows.slice(0, state.limit).forEach(function (doc) { frag.appendChild(row(doc)); });
    tbody.textContent = "";
    tbody.appendChild(frag);
    $("count").textContent = state.docs.length + " 个文件 / files" +
      (rows.length < state.docs.length || rows.length > state.limit
        ? fmt(MSG.shown, { n: Math.min(rows.length, state.limit), total: rows.length }) : "");
    $("more").hidden = rows.length <= state.limit;
  }

  function row(doc) {
    var tr = el("tr", doc.error ? "has-error" : "");
    tr.dataset.doc = doc.doc_id;
    tr.appendChild(el("td", "", KINDS[doc.kind] || doc.kind));
    var title = el("td", "title");
    title.appendChild(el("span", "t", doc.title));
    title.appendChild(el("span", "file mono", doc.doc_id));
    if (doc.error) title.appendChild(el("span", "error-text", "导入失败 / ingest failed: " + doc.error));
    tr.appendChild(title);
    var issuer = el("td", "", doc.issuer || "");
    if (doc.doc_number) issuer.appendChild(el("span", "file", doc.doc_number));
    tr.appendChild(issuer);
    var st = el("td", "status-cell");
    st.appendChild(el("span", "badge s-" + (doc.status || "none"), doc.status ? (STATUS[doc.status] || doc.status)
      : "未入库 · not indexed"));
    if (doc.superseded_by) st.appendChild(el("span", "file", "→ " + doc.superseded_by));
    if (doc.pending) st.appendChild(el("span", "pending", PENDING[doc.pending]));
    tr.appendChild(st);
    var period = [doc.effective_from, doc.effective_to].filter(Boolean).join(" – ");
    tr.appendChild(el("td", "mono", period || (doc.published ? "发布 " + doc.published : "")));
    tr.appendChild(el("td", "num", doc.chunks === null ? "" : doc.chunks));
    tr.appendChild(el("td", "mono", doc.ingested_at ? YB.when(doc.ingested_at) : ""));
    var actions = el("td", "actions");
    if (doc.version) {
      if (doc.kind !== "faq") actions.appendChild(button("元数据 Edit", "edit", doc));
      actions.appendChild(button("替换 Replace", "replace", doc));
      actions.appendChild(button("删除 Delete", "delete", doc));
    }
    tr.appendChild(actions);
    return tr;
  }

  function button(label, action, doc) {
    var b = el("button", action === "delete" ? "danger" : "secondary", label);
    b.type = "button";
    b.dataset.action = action;
    b.dataset.doc = doc.doc_id;
    b.disabled = state.busy;
    return b;
  }

  ["q", "kind", "state"].forEach(function (id) {
    $(id).addEventListener(id === "q" ? "input" : "change", function () { state.limit = PAGE; render(); });
  });
  $("more").addEventListener("click", function () { state.limit += PAGE; render(); });
  $("refresh").addEventListener("click", function () { YB.say(status, ""); load(); });

  // ---- jobs ---------------------------------------------------------------------------------------
  function setBusy(busy) {
    state.busy = busy;
    $("upload").disabled = busy || !state.files.length;
    $("sync-all").disabled = busy;
    document.querySelectorAll("#rows button").forEach(function (b) { b.disabled = busy; });
  }

  function follow(job) {
    setBusy(true);
    YB.watchJob(job, function (final) {
      setBusy(false);
      YB.say(status, final.state === "failed" ? final.error : "", final.state === "failed" ? "error" : "");
      load();
    });
  }

  function started(promise, onStarted) {
    setBusy(true);
    return promise.then(function (data) {
      if (onStarted) onStarted();
      follow(data.job);
    }).catch(function (err) { setBusy(false); YB.say(status, err.message, "error"); });
  }

  // ---- upload -------------------------------------------------------------------------------------
  function choose(list) {
    state.files = Array.prototype.slice.call(list || []);
    var names = state.files.map(function (f) { return f.name + " (" + Math.max(1, Math.round(f.size / 1024)) + " KB)"; });
    $("chosen").textContent = state.files.length ? fmt(MSG.chosen, { n: state.files.length }) + "\n" + names.join("\n") : "";
    $("upload").disabled = state.busy || !state.files.length;
    YB.say(status, "");
  }

  var drop = $("drop"), input = $("files");
  input.addEventListener("change", function () { choose(input.files); });
  ["dragenter", "dragover"].forEach(function (name) {
    drop.addEventListener(name, function (e) { e.preventDefault(); drop.classList.add("dragging"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    drop.addEventListener(name, function () { drop.classList.remove("dragging"); });
  });
  drop.addEventListener("drop", function (e) {
    e.preventDefault();
    if (e.dataTransfer && e.dataTransfer.files.length) choose(e.dataTransfer.files);
  });

  $("upload").addEventListener("click", function () {
    if (!state.files.length) return;
    if (state.files.length > maxFiles) return YB.say(status, fmt(MSG.tooMany, { n: maxFiles }), "error");
    var total = state.files.reduce(function (sum, f) { return sum + f.size; }, 0);
    if (total > maxBytes) return YB.say(status, fmt(MSG.tooBig, { mb: Math.round(maxBytes / 1048576) }), "error");
    var folder = $("folder").value;
    localStorage.setItem("yb-folder", folder);
    var form = new FormData();
    form.append("folder", folder);
    state.files.forEach(function (f) { form.append("files", f, f.name); });
    YB.say(status, "");
    started(YB.api("api/documents", { form: form }), function () {
      input.value = "";
      choose([]);
    });
  });

  $("sync-all").addEventListener("click", function () {
    YB.say(status, "");
    started(YB.api("api/sync", { json: {} }));
  });

  // ---- row actions --------------------------------------------------------------------------------
  function docById(id) {
    for (var i = 0; i < state.docs.length; i++) if (state.docs[i].doc_id === id) return state.docs[i];
    return null;
  }

  $("rows").addEventListener("click", function (e) {
    var b = e.target.closest("button[data-action]");
    if (!b) return;
    var doc = docById(b.dataset.doc);
    if (!doc) return;
    YB.say(status, "");
    if (b.dataset.action === "delete") {
      if (!window.confirm(fmt(MSG.confirmDelete, { doc: doc.doc_id }))) return;
      started(YB.api("api/documents/delete", { json: { doc_id: doc.doc_id, version: doc.version } }));
    } else if (b.dataset.action === "replace") {
      state.replacing = doc;
      $("replace-file").value = "";
      $("replace-file").click();
    } else if (b.dataset.action === "edit") {
      openMeta(doc);
    }
  });

  $("replace-file").addEventListener("change", function () {
    var file = this.files[0], doc = state.replacing;
    if (!file || !doc) return;
    if (file.size > maxBytes) return YB.say(status, fmt(MSG.tooBig, { mb: Math.round(maxBytes / 1048576) }), "error");
    var form = new FormData();
    form.append("doc_id", doc.doc_id);
    form.append("version", doc.version);
    form.append("file", file, file.name);
    started(YB.api("api/documents/replace", { form: form }));
  });

  // ---- metadata -----------------------------------------------------------------------------------
  var dialog = $("meta-dialog"), metaStatus = $("meta-status");
  var FIELDS = ["title", "issuer", "doc_number", "published", "effective_from", "effective_to", "status",
                "superseded_by", "url"];

  function openMeta(doc) {
    YB.api("api/documents/metadata?doc_id=" + encodeURIComponent(doc.doc_id)).then(function (data) {
      state.meta = data;
      $("meta-doc").textContent = data.doc_id;
      $("meta-where").textContent = data.stored_in === "front_matter"
        ? "保存到文件开头的 YAML front matter / saved in the file's front matter"
        : "保存到同一文件夹的 _meta.yaml / saved in the folder's _meta.yaml";
      FIELDS.forEach(function (name) {
        var value = data.fields[name];
        $("m-" + name).value = value === null || value === undefined ? "" : value;
      });
      YB.say(metaStatus, "");
      dialog.showModal();
    }).catch(function (err) { YB.say(status, err.message, "error"); });
  }

  $("meta-cancel").addEventListener("click", function () { dialog.close(); });
  $("meta-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var fields = {};
    FIELDS.forEach(function (name) {
      var value = $("m-" + name).value.trim();
      fields[name] = value === "" ? null : value;
    });
    if (!fields.title) return YB.say(metaStatus, "标题不能为空 / the title is required", "error");
    var m = state.meta;
    YB.api("api/documents/metadata", { json: { doc_id: m.doc_id, version: m.version, shown_title: m.shown_title,
                                               fields: fields } })
      .then(function (data) { dialog.close(); follow(data.job); })
      .catch(function (err) { YB.say(metaStatus, err.message, "error"); });
  });

  load();
})();
