/* Landing page: example questions are asked in the widget; the embed snippet shows this server's address. */
(function () {
  "use strict";
  var snippet = document.getElementById("snippet");
  if (snippet) {
    var src = new URL("widget.js", document.baseURI).href;
    snippet.textContent = '<script src="' + src + '" data-title="开源政策问答" defer></script>';
  }
  document.addEventListener("click", function (e) {
    var target = e.target.closest ? e.target.closest(".example") : null;
    if (target && window.YuanBot) window.YuanBot.ask(target.getAttribute("data-question"));
  });
})();
