/* YuanBot (源问) chat page, shown inside the widget's iframe (or on its own at /embed).
 * Safety rule: text from answers and documents only ever reaches the page through textContent.
 */
(function () {
  "use strict";

  var body = document.body;
  var lang = body.dataset.lang === "en" ? "en" : "zh";
  var T = {
    zh: {
      input: "输入您的问题", send: "发送", close: "关闭", placeholder: "请输入您的问题…",
      note: "答案依据南京市开源政策与开源许可证资料自动生成，仅供参考。",
      welcome: "您好！我可以回答南京市开源政策和开源许可证方面的问题。答案中的 [1] 等编号可以点开查看原文。",
      you: "您的问题：", bot: "源问的回答：", typing: "正在查找答案…", sources: "来源", open: "查看原文",
      noAnswer: "未找到确切答案", understood: "理解为：", section: "章节", suggestions: "您是不是想问",
      up: "有帮助", down: "没有帮助", thanks: "感谢您的反馈！", feedbackFailed: "反馈未能提交，请稍后再试。",
      network: "网络连接失败，请检查网络后重试。", retry: "重试",
      tooMany: "请求过于频繁，请稍后再试。", tooManyWait: "请求过于频繁，请在 {s} 秒后再试。",
      server: "服务暂时不可用，请稍后再试。", tooLong: "问题太长了，请控制在 {n} 个字以内。",
      licence: "许可证兼容性", conditions: "条件", refs: "依据",
      verdict: { compatible: "兼容", incompatible: "不兼容", conditional: "有条件兼容", unknown: "无法确定" }
    },
    en: {
      input: "Type your question", send: "Send", close: "Close", placeholder: "Ask a question…",
      note: "Answers are generated from Nanjing's open-source policy and licence documents, for reference only.",
      welcome: "Hello! Ask me about Nanjing's open-source policy or open-source licences. Click a number like [1] to read the source.",
      you: "Your question: ", bot: "YuanBot's answer: ", typing: "Looking for an answer…", sources: "Sources", open: "Open source",
      noAnswer: "No definite answer found", understood: "Understood as: ", section: "Section", suggestions: "Did you mean",
      up: "Helpful", down: "Not helpful", thanks: "Thank you for your feedback!", feedbackFailed: "Feedback could not be sent; please try again later.",
      network: "Network error. Please check your connection and try again.", retry: "Retry",
      tooMany: "Too many requests. Please wait a moment and try again.", tooManyWait: "Too many requests. Please try again in {s} seconds.",
      server: "The service is temporarily unavailable. Please try again later.", tooLong: "The question is too long (at most {n} characters).",
      licence: "Licence compatibility", conditions: "Conditions", refs: "References",
      verdict: { compatible: "Compatible", incompatible: "Incompatible", conditional: "Compatible with conditions", unknown: "Unknown" }
    }
  }[lang];

  var log = document.getElementById("yb-log");
  var form = document.getElementById("yb-form");
  var input = document.getElementById("yb-input");
  var sendBtn = document.getElementById("yb-send");
  var closeBtn = document.getElementById("yb-close");
  var maxChars = parseInt(body.dataset.maxChars, 10) || 2000;
  var busy = false;
  var counter = 0; // unique ids for answers / source cards

  if (/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(body.dataset.color || "")) {
    document.documentElement.style.setProperty("--yb-color", body.dataset.color);
  }
  document.getElementById("yb-input-label").textContent = T.input;
  input.placeholder = T.placeholder;
  sendBtn.textContent = T.send;
  closeBtn.setAttribute("aria-label", T.close);
  document.getElementById("yb-note").textContent = T.note;

  // ---- talking to the host page (the widget), origins checked both ways ----------------------
  var framed = window.parent !== window;
  var hostOrigin = parentOrigin();

  function parentOrigin() {
    if (!framed) return null;
    var allowed = [location.origin];
    try { allowed = allowed.concat(JSON.parse(body.dataset.parentOrigins || "[]")); } catch (e) { /* none */ }
    var claimed = body.dataset.host || "";
    if (allowed.indexOf("*") !== -1 && /^https?:\/\/[^/]+$/.test(claimed)) return claimed;
    return allowed.indexOf(claimed) !== -1 ? claimed : null;
  }

  function tellHost(type) {
    if (hostOrigin) window.parent.postMessage({ type: type }, hostOrigin);
  }

  if (hostOrigin) closeBtn.hidden = false;
  closeBtn.addEventListener("click", function () { tellHost("yuanbot:close"); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { e.preventDefault(); tellHost("yuanbot:close"); }
  });
  window.addEventListener("message", function (e) {
    if (!hostOrigin || e.source !== window.parent || e.origin !== hostOrigin) return;
    var msg = e.data || {};
    if (msg.type === "yuanbot:focus") {
      input.focus();
    } else if (msg.type === "yuanbot:ask" && typeof msg.question === "string") {
      input.value = msg.question.slice(0, maxChars);
      submit();
    }
  });

  // ---- session (enables follow-up questions) ------------------------------------------------
  // The server issues the session id with the first answer; the widget keeps it and sends it back.
  var memory = null;
  function sessionId() {
    try {
      return sessionStorage.getItem("yuanbot.session") || memory;
    } catch (e) { // storage blocked (e.g. third-party storage disabled): keep it for this page
      return memory;
    }
  }
  function keepSession(data) {
    if (!data || !data.session_id) return;
    memory = data.session_id;
    try { sessionStorage.setItem("yuanbot.session", data.session_id); } catch (e) { /* memory only */ }
  }

  // ---- DOM helpers: textContent only ---------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function safeUrl(url) {
    try {
      var u = new URL(url, location.href);
      return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
    } catch (e) { return null; }
  }
  function link(url, text) {
    var href = safeUrl(url);
    if (!href) return el("span", null, text);
    var a = el("a", null, text);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }
  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }
  function scrollDown() { log.scrollTop = log.scrollHeight; }
  function add(node) { log.appendChild(node); scrollDown(); return node; }

  // ---- rendering -----------------------------------------------------------------------------
  function userMessage(question) {
    var msg = el("div", "yb-msg yb-user");
    msg.appendChild(el("span", "yb-sr", T.you));
    msg.appendChild(el("p", "yb-text", question));
    return add(msg);
  }

  function typing() {
    var node = el("div", "yb-msg yb-bot yb-typing");
    node.setAttribute("role", "status");
    node.setAttribute("aria-label", T.typing);
    for (var i = 0; i < 3; i++) node.appendChild(el("span", "yb-dot"));
    return add(node);
  }

  // answer text with [n] markers turned into buttons that open source card n
  function answerText(text, cards) {
    return appendCited(el("p", "yb-text"), text, cards);
  }

  function appendCited(node, text, cards) {
    var re = /\[(\d{1,2})\]/g, last = 0, m;
    while ((m = re.exec(text)) !== null) {
      var card = cards[parseInt(m[1], 10) - 1];
      if (!card) continue;
      node.appendChild(document.createTextNode(text.slice(last, m.index)));
      node.appendChild(citeButton(m[1], card));
      last = re.lastIndex;
    }
    node.appendChild(document.createTextNode(text.slice(last)));
    return node;
  }

  // A comparison (answer.table) is shown as a real table in place of the Markdown table in the answer
  // text: the text before it, the table, the text after it. Cells keep their [n] citation buttons.
  function splitAtMarkdownTable(text) {
    var lines = text.split("\n"), first = -1, last = -1;
    lines.forEach(function (line, i) {
      if (/^\|.*\|\s*$/.test(line)) { if (first < 0) first = i; last = i; }
    });
    if (first < 0) return [text, ""];
    return [lines.slice(0, first).join("\n").trim(), lines.slice(last + 1).join("\n").trim()];
  }

  function answerTable(table, cards) {
    var wrap = el("div", "yb-table-wrap");
    var grid = el("table", "yb-table");
    var head = el("thead"), headRow = el("tr");
    (table.columns || []).forEach(function (name) {
      var th = el("th", null, name);
      th.scope = "col";
      headRow.appendChild(th);
    });
    head.appendChild(headRow);
    grid.appendChild(head);
    var body = el("tbody");
    (table.rows || []).forEach(function (cells) {
      var tr = el("tr");
      cells.forEach(function (cell, i) {
        var node = el(i === 0 ? "th" : "td");
        if (i === 0) node.scope = "row";
        tr.appendChild(appendCited(node, String(cell), cards));
      });
      body.appendChild(tr);
    });
    grid.appendChild(body);
    wrap.appendChild(grid);
    return wrap;
  }

  function citeButton(n, card) {
    var b = el("button", "yb-cite", "[" + n + "]");
    b.type = "button";
    b.setAttribute("aria-controls", card.id);
    b.setAttribute("aria-label", T.sources + " " + n);
    b.addEventListener("click", function () {
      card.open = true;
      card.scrollIntoView({ block: "nearest" });
      card.querySelector("summary").focus();
    });
    return b;
  }

  function sourceCard(source, n) {
    var card = el("details", "yb-source");
    card.id = "yb-src-" + counter + "-" + n;
    var summary = el("summary");
    summary.appendChild(el("span", "yb-num", "[" + n + "]"));
    summary.appendChild(el("span", "yb-src-title", source.title || ""));
    if (source.section) summary.appendChild(el("span", "yb-src-section", source.section));
    card.appendChild(summary);
    card.appendChild(el("blockquote", "yb-passage", source.text || ""));
    if (source.url && safeUrl(source.url)) {
      var more = el("p", "yb-src-link");
      more.appendChild(link(source.url, T.open + " ↗"));
      card.appendChild(more);
    }
    return card;
  }

  function licenceBox(check) {
    var box = el("section", "yb-licence");
    box.setAttribute("aria-label", T.licence);
    var verdict = ["compatible", "incompatible", "conditional", "unknown"].indexOf(check.verdict) !== -1
      ? check.verdict : "unknown";
    var head = el("div", "yb-licence-head");
    head.appendChild(el("span", "yb-badge yb-verdict-" + verdict, T.verdict[verdict]));
    head.appendChild(el("span", "yb-pair", (check.inbound || "?") + " → " + (check.outbound || "?")));
    box.appendChild(head);
    var explanation = lang === "en" && check.explanation_en ? check.explanation_en : check.explanation;
    if (explanation) box.appendChild(el("p", "yb-explanation", explanation));
    if (check.conditions && check.conditions.length) {
      box.appendChild(el("h3", null, T.conditions));
      var ul = el("ul", "yb-conditions");
      check.conditions.forEach(function (c) { ul.appendChild(el("li", null, c)); });
      box.appendChild(ul);
    }
    if (check.sources && check.sources.length) {
      box.appendChild(el("h3", null, T.refs));
      var refs = el("ul", "yb-refs");
      check.sources.forEach(function (s) {
        var li = el("li");
        li.appendChild(link(s.url, s.title || s.url || ""));
        refs.appendChild(li);
      });
      box.appendChild(refs);
    }
    return box;
  }

  function feedbackBar(question, answer) {
    var bar = el("div", "yb-feedback");
    var status = el("span", "yb-feedback-status");
    status.setAttribute("role", "status");
    [["up", "👍", T.up], ["down", "👎", T.down]].forEach(function (f) {
      var b = el("button", "yb-rate yb-rate-" + f[0], f[1]);
      b.type = "button";
      b.setAttribute("aria-label", f[2]);
      b.setAttribute("aria-pressed", "false");
      b.addEventListener("click", function () {
        var buttons = bar.querySelectorAll(".yb-rate");
        Array.prototype.forEach.call(buttons, function (x) { x.disabled = true; });
        b.setAttribute("aria-pressed", "true");
        fetch("api/feedback", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ question: question, answer: answer, rating: f[0], session_id: sessionId(), channel: "web" })
        }).then(function (r) {
          if (!r.ok) throw new Error("HTTP " + r.status);
          status.textContent = T.thanks;
        }).catch(function () {
          status.textContent = T.feedbackFailed;
          b.setAttribute("aria-pressed", "false");
          Array.prototype.forEach.call(buttons, function (x) { x.disabled = false; });
        });
      });
      bar.appendChild(b);
    });
    bar.appendChild(status);
    return bar;
  }

  function botMessage(question, data) {
    counter += 1;
    keepSession(data);
    var noAnswer = data.status !== "answered";
    var msg = el("div", "yb-msg yb-bot" + (noAnswer ? " yb-noanswer" : ""));
    msg.appendChild(el("span", "yb-sr", T.bot));
    if (noAnswer) msg.appendChild(el("p", "yb-flag", T.noAnswer));
    if (data.understood_question && data.understood_question !== question) {
      msg.appendChild(el("p", "yb-understood", T.understood + data.understood_question));
    }
    var cards = (data.sources || []).map(function (s, i) { return sourceCard(s, i + 1); });
    var offered = Array.isArray(data.suggestions) ? data.suggestions.filter(function (q) { return typeof q === "string" && q; }) : [];
    if (offered.length) {
      msg.appendChild(suggestionList(data.answer || "", offered));
    } else if (data.table && data.table.columns) {
      var parts = splitAtMarkdownTable(data.answer || "");
      if (parts[0]) msg.appendChild(answerText(parts[0], cards));
      msg.appendChild(answerTable(data.table, cards));
      if (parts[1]) msg.appendChild(answerText(parts[1], cards));
    } else {
      msg.appendChild(answerText(data.answer || "", cards));
    }
    if (data.license_check) msg.appendChild(licenceBox(data.license_check));
    if (cards.length) {
      var list = el("div", "yb-sources");
      list.appendChild(el("h3", null, T.sources));
      cards.forEach(function (c) { list.appendChild(c); });
      msg.appendChild(list);
    }
    msg.appendChild(feedbackBar(question, data.answer || ""));
    return add(msg);
  }

  // "did you mean": the reply's own lines, with the numbered questions as buttons that ask them
  function suggestionList(text, offered) {
    var box = el("div", "yb-suggest-box");
    var lines = text.split("\n").filter(function (line) { return !/^\s*[\u2460-\u2468]/.test(line); });
    box.appendChild(el("p", "yb-text", lines.shift() || T.suggestions));
    var list = el("ol", "yb-suggestions");
    list.setAttribute("aria-label", T.suggestions);
    offered.forEach(function (question) {
      var item = el("li");
      var b = el("button", "yb-suggest", question);
      b.type = "button";
      b.addEventListener("click", function () {
        if (busy) return;
        ask(question);
      });
      item.appendChild(b);
      list.appendChild(item);
    });
    box.appendChild(list);
    if (lines.length) box.appendChild(el("p", "yb-hint", lines.join("\n")));
    return box;
  }

  function errorMessage(text, question) {
    var msg = el("div", "yb-msg yb-bot yb-error");
    msg.setAttribute("role", "alert");
    msg.appendChild(el("p", "yb-text", text));
    if (question) {
      var retry = el("button", "yb-retry", T.retry);
      retry.type = "button";
      retry.addEventListener("click", function () {
        if (busy) return;
        msg.remove();
        ask(question, true);
      });
      msg.appendChild(retry);
    }
    return add(msg);
  }

  // ---- asking --------------------------------------------------------------------------------
  // The answer streams from api/ask/stream (server-sent events: `delta` text, then the full `answer`, which
  // replaces what was shown). When that endpoint is missing or fails before any event: plain api/ask.
  function ask(question, again) {
    busy = true;
    sendBtn.disabled = true;
    if (!again) userMessage(question);
    var indicator = typing();
    var payload = JSON.stringify({ question: question, session_id: sessionId() });
    function done() {
      busy = false;
      sendBtn.disabled = false;
    }
    askStream(question, payload, indicator).then(function (handled) {
      if (!handled) return askOnce(question, payload, indicator);
    }).then(done, done);
  }

  // an HTTP error answer (same handling for both endpoints)
  function failure(r, data, question) {
    if (r.status === 429) {
      var wait = parseInt(r.headers.get("Retry-After"), 10);
      return errorMessage(wait > 0 ? format(T.tooManyWait, { s: wait }) : T.tooMany, question).classList.add("yb-ratelimited");
    }
    if (r.status === 422 || r.status === 400) return errorMessage(data.message || T.server);
    return errorMessage(T.server, question);
  }

  function askOnce(question, payload, indicator) {
    return fetch("api/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: payload
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        indicator.remove();
        if (r.ok) return botMessage(question, data);
        return failure(r, data, question);
      });
    }, function () {
      indicator.remove();
      errorMessage(T.network, question);
    });
  }

  // resolves true when it showed an answer or an error, false when api/ask should be tried instead
  function askStream(question, payload, indicator) {
    if (!window.fetch || !window.ReadableStream || !window.TextDecoder) return Promise.resolve(false);
    return fetch("api/ask/stream", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
      body: payload
    }).then(function (r) {
      if (r.status === 429 || r.status === 422 || r.status === 400) {
        return r.json().catch(function () { return {}; }).then(function (data) {
          indicator.remove();
          failure(r, data, question);
          return true;
        });
      }
      var type = r.headers.get("Content-Type") || "";
      if (!r.ok || !r.body || type.indexOf("text/event-stream") !== 0) return false;
      return readEvents(r.body.getReader(), question, indicator);
    }, function () { return false; });
  }

  function readEvents(reader, question, indicator) {
    var decoder = new TextDecoder();
    var buffer = "", shown = "", live = null, liveText = null, seen = false, finished = false;

    function onEvent(name, data) {
      var value;
      try { value = JSON.parse(data); } catch (e) { return; }
      seen = true;
      if (name === "delta") {
        if (!live) {
          indicator.remove();
          live = el("div", "yb-msg yb-bot yb-streaming");
          live.setAttribute("aria-busy", "true");
          live.appendChild(el("span", "yb-sr", T.bot));
          liveText = live.appendChild(el("p", "yb-text"));
          add(live);
        }
        shown += typeof value.text === "string" ? value.text : "";
        liveText.textContent = shown;
        scrollDown();
      } else if (name === "answer" || name === "error") {
        finished = true;
        indicator.remove();
        if (live) live.remove();
        if (name === "answer") botMessage(question, value);
        else errorMessage(typeof value.message === "string" && value.message ? value.message : T.server, question);
      }
    }

    function parse() {
      buffer = buffer.replace(/\r\n?/g, "\n");
      var blocks = buffer.split("\n\n");
      buffer = blocks.pop();
      blocks.forEach(function (block) {
        if (finished) return;
        var name = "message", data = [];
        block.split("\n").forEach(function (line) {
          if (!line || line.charAt(0) === ":") return;
          var colon = line.indexOf(":");
          var field = colon === -1 ? line : line.slice(0, colon);
          var val = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "event") name = val;
          else if (field === "data") data.push(val);
        });
        if (data.length) onEvent(name, data.join("\n"));
      });
    }

    function end() {
      if (finished) return true;
      if (!seen) return false; // nothing arrived: let api/ask answer
      indicator.remove();
      if (live) live.remove();
      errorMessage(T.network, question);
      return true;
    }

    function pump() {
      return reader.read().then(function (res) {
        if (res.done) {
          buffer += decoder.decode() + "\n\n";
          parse();
          return end();
        }
        buffer += decoder.decode(res.value, { stream: true });
        parse();
        if (finished) {
          reader.cancel().catch(function () { /* already closed */ });
          return true;
        }
        return pump();
      });
    }

    return pump().catch(function () { return end(); });
  }

  function submit() {
    var question = input.value.trim();
    if (!question || busy) return;
    if (question.length > maxChars) { errorMessage(format(T.tooLong, { n: maxChars })); return; }
    input.value = "";
    ask(question);
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
  });

  add(el("div", "yb-msg yb-bot yb-welcome")).appendChild(el("p", "yb-text", T.welcome));
  if (!framed) input.focus();
  tellHost("yuanbot:ready");
})();
