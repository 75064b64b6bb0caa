/* pmqa board report: filter indicators by RAG, theme and agency (pmqa_lib/report/navigation.py).
   Everything filterable carries data-rag, data-theme and data-agency. Without this script the page
   shows everything and the form stays hidden. ?rag=Red&theme=...&agency=... opens it filtered. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-rag]"));
  var status = form.querySelector(".filter-status");

  function wanted() {
    var w = {};
    selects.forEach(function (s) { if (s.value) { w[s.name] = s.value; } });
    return w;
  }

  function matches(el, w) {
    return Object.keys(w).every(function (k) { return el.getAttribute("data-" + k) === w[k]; });
  }

  function apply() {
    var w = wanted();
    var total = 0, shown = 0;
    items.forEach(function (el) {
      var ok = matches(el, w);
      el.hidden = !ok;
      if (el.tagName === "LI") { total += 1; if (ok) { shown += 1; } }  // the contents list: one per indicator
    });
    // a theme heading row or list item stays only while one of its indicators shows
    document.querySelectorAll("tr.group").forEach(function (row) {
      var next = row.nextElementSibling, any = false;
      while (next && !next.classList.contains("group")) {
        if (!next.hidden) { any = true; }
        next = next.nextElementSibling;
      }
      row.hidden = !any;
    });
    document.querySelectorAll("li.theme").forEach(function (li) {
      li.hidden = !li.querySelector("li[data-rag]:not([hidden])");
    });
    var active = Object.keys(w).length > 0;
    status.textContent = active
      ? "Showing " + shown + " of " + total + " indicators."
      : "Showing all " + total + " indicators.";
    var params = new URLSearchParams(w);
    var query = params.toString();
    try {  // the address keeps the filter, so it can be bookmarked or sent (not on every browser for file://)
      window.history.replaceState(null, "", (query ? "?" + query : location.pathname) + location.hash);
    } catch (err) { /* the filter works without it */ }
  }

  var initial = new URLSearchParams(window.location.search);
  selects.forEach(function (s) {
    var v = initial.get(s.name);
    if (v && Array.prototype.some.call(s.options, function (o) { return o.value === v; })) { s.value = v; }
    s.addEventListener("change", apply);
  });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.hidden = false;
  apply();
})();
