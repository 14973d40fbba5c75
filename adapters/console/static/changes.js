/* Change log: the console's audit log, newest first. */
(function () {
  "use strict";

  var YB = window.YB, el = YB.el;
  var $ = function (id) { return document.getElementById(id); };
  var OUTCOMES = { ok: "成功 ok", refused: "被拒绝 refused", failed: "失败 failed" };

  function load() {
    var action = $("action").value;
    YB.api("api/changes?limit=500" + (action ? "&action=" + encodeURIComponent(action) : "")).then(function (data) {
      var tbody = $("rows"), frag = document.createDocumentFragment();
      data.events.forEach(function (e) {
        var tr = el("tr");
        tr.dataset.action = e.action;
        tr.appendChild(el("td", "mono", YB.when(e.time)));
        tr.appendChild(el("td", "", e.action));
        tr.appendChild(el("td", "mono", e.target));
        tr.appendChild(el("td", "outcome-" + e.outcome, OUTCOMES[e.outcome] || e.outcome));
        tr.appendChild(el("td", "mono", e.address));
        tr.appendChild(el("td", "detail", e.detail));
        frag.appendChild(tr);
      });
      tbody.textContent = "";
      tbody.appendChild(frag);
      YB.say($("status"), data.events.length ? "" : "没有记录 / nothing recorded");
    }).catch(function (err) { YB.say($("status"), err.message, "error"); });
  }

  $("action").addEventListener("change", load);
  load();
})();
