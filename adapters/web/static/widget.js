/*! YuanBot (源问) embeddable Q&A widget.
 * <script src="https://qa.example.gov.cn/widget.js" data-title="开源政策问答" defer></script>
 * data-title, data-color (#rrggbb), data-position (bottom-right|bottom-left), data-lang (zh|en), data-open.
 * Everything lives in one Shadow DOM; the chat itself is an iframe on the widget's own origin.
 * The only global is window.YuanBot = {open, close, toggle, ask}.
 */
(function () {
  "use strict";
  if (window.YuanBot) return; // loaded twice: keep the first

  var script = document.currentScript ||
    document.querySelector('script[src$="/widget.js"],script[src="widget.js"]');
  if (!script) return;
  var base = new URL(script.src, document.baseURI);
  var origin = base.origin;
  var data = script.dataset;
  var lang = /^en/i.test(data.lang || "") ? "en" : "zh";
  var color = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(data.color || "") ? data.color : "#0b5cad";
  var left = data.position === "bottom-left";
  var openByDefault = data.open !== undefined && data.open !== "false" && data.open !== "0";
  var text = lang === "en"
    ? { open: "Open the Q&A assistant", close: "Close the Q&A assistant", frame: "Q&A assistant" }
    : { open: "打开问答助手", close: "关闭问答助手", frame: "问答助手" };
  var title = data.title || (lang === "en" ? "YuanBot · Open-source Q&A" : "源问 · 开源政策问答");

  var CSS = [
    ":host{all:initial}",
    ".yb-btn{all:initial;position:fixed;bottom:20px;" + (left ? "left" : "right") + ":20px;z-index:2147483646;",
    "width:56px;height:56px;border-radius:50%;background:var(--yb-color);color:#fff;cursor:pointer;",
    "display:flex;align-items:center;justify-content:center;box-shadow:0 4px 14px rgba(0,0,0,.25)}",
    ".yb-btn:hover{filter:brightness(1.1)}",
    ".yb-btn:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}",
    ".yb-btn svg{width:28px;height:28px;fill:currentColor}",
    ".yb-panel{all:initial;position:fixed;bottom:88px;" + (left ? "left" : "right") + ":20px;z-index:2147483647;",
    "width:380px;height:600px;max-height:calc(100vh - 108px);border-radius:12px;overflow:hidden;background:#fff;",
    "box-shadow:0 8px 30px rgba(0,0,0,.3);display:block}",
    ".yb-panel[hidden]{display:none}",
    ".yb-panel iframe{border:0;width:100%;height:100%;display:block}",
    "@media (max-width:480px){.yb-panel{inset:0;width:100%;height:100%;max-height:none;border-radius:0}",
    ".yb-open .yb-btn{display:none}}"
  ].join("");

  var host = document.createElement("div");
  host.setAttribute("data-yuanbot", "");
  var root = host.attachShadow({ mode: "open" });
  var wrap = document.createElement("div");
  wrap.style.setProperty("--yb-color", color);
  try { // constructed style sheets also work on host pages whose CSP forbids inline <style>
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch (e) {
    var style = document.createElement("style");
    style.textContent = CSS;
    root.appendChild(style);
  }

  var button = document.createElement("button");
  button.type = "button";
  button.className = "yb-btn";
  button.setAttribute("aria-label", text.open);
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "yb-panel");
  button.appendChild(icon("M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" +
    "M7 9v2h2V9zm4 0v2h2V9zm4 0v2h2V9z"));

  var panel = document.createElement("div");
  panel.className = "yb-panel";
  panel.id = "yb-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", title);

  var frame = null;     // created on first open
  var ready = false;    // the chat page said hello
  var pending = [];     // messages waiting for it

  function icon(d) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", d);
    path.setAttribute("fill-rule", "evenodd");
    svg.appendChild(path);
    return svg;
  }

  function ensureFrame() {
    if (frame) return;
    var url = new URL("embed", base);
    url.searchParams.set("lang", lang);
    url.searchParams.set("title", title);
    url.searchParams.set("color", color);
    url.searchParams.set("host", location.origin);
    frame = document.createElement("iframe");
    frame.src = url.href;
    frame.title = text.frame;
    frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox");
    panel.appendChild(frame);
  }

  function send(message) {
    if (ready && frame && frame.contentWindow) frame.contentWindow.postMessage(message, origin);
    else pending.push(message);
  }

  function open() {
    ensureFrame();
    panel.hidden = false;
    wrap.classList.add("yb-open");
    button.setAttribute("aria-expanded", "true");
    button.setAttribute("aria-label", text.close);
    frame.focus();
    send({ type: "yuanbot:focus" });
  }

  function close() {
    var wasOpen = !panel.hidden;
    panel.hidden = true;
    wrap.classList.remove("yb-open");
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-label", text.open);
    if (wasOpen) button.focus();
  }

  function toggle() { if (panel.hidden) open(); else close(); }

  function ask(question) {
    open();
    send({ type: "yuanbot:ask", question: String(question) });
  }

  button.addEventListener("click", toggle);
  wrap.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });

  // messages from the chat page: only from our own iframe on our own origin
  window.addEventListener("message", function (e) {
    if (!frame || e.source !== frame.contentWindow || e.origin !== origin) return;
    var msg = e.data || {};
    if (msg.type === "yuanbot:ready") {
      ready = true;
      var queue = pending;
      pending = [];
      queue.forEach(send);
    } else if (msg.type === "yuanbot:close") {
      close();
    }
  });

  wrap.appendChild(button);
  wrap.appendChild(panel);
  root.appendChild(wrap);

  function mount() {
    document.body.appendChild(host);
    if (openByDefault) open();
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);

  window.YuanBot = { open: open, close: close, toggle: toggle, ask: ask };
})();
