// copbook watch mode: reload on rebuild (keeping the scroll position), and show the
// latest build's errors and warnings in a banner. Injected only by `copbook serve --watch`.
(function () {
  "use strict";
  var KEY = "copbook-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(KEY);
  if (saved !== null) {
    sessionStorage.removeItem(KEY);
    window.addEventListener("load", function () { window.scrollTo(0, Number(saved) || 0); });
  }

  function banner(status) {
    var el = document.getElementById("copbook-build-status");
    if (status.ok && status.diagnostics.length === 0) {
      if (el) { el.remove(); }
      return;
    }
    if (!el) {
      el = document.createElement("div");
      el.id = "copbook-build-status";
      el.setAttribute("role", "alert");
      el.className = "build-status";
      document.body.insertBefore(el, document.body.firstChild);
    }
    el.classList.toggle("build-status-error", !status.ok);
    el.textContent = "";
    var heading = document.createElement("p");
    heading.className = "build-status-heading";
    heading.textContent = status.message;
    el.appendChild(heading);
    var list = document.createElement("ul");
    status.diagnostics.slice(0, 50).forEach(function (line) {
      var item = document.createElement("li");
      item.textContent = line;
      list.appendChild(item);
    });
    el.appendChild(list);
  }

  var source = new EventSource("/_live");
  source.addEventListener("reload", function () {
    sessionStorage.setItem(KEY, String(window.scrollY));
    location.reload();
  });
  source.addEventListener("status", function (e) {
    try { banner(JSON.parse(e.data)); } catch (err) { /* ignore a malformed event */ }
  });
})();
