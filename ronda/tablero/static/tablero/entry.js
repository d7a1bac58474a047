// The entry grid: Enter moves to the next cell instead of submitting (the Save button is explicit),
// and each row's total follows what is typed. Without JavaScript the form still posts and the server
// shows the totals.
(function () {
  "use strict";
  function parse(text) {
    var t = (text || "").trim();
    if (t === "") return null;
    if (t.indexOf(",") !== -1 && t.indexOf(".") === -1 && t.split(",").length === 2) t = t.replace(",", ".");
    var n = Number(t);
    return isFinite(n) ? n : NaN;
  }
  function format(n) {
    return new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 4 }).format(n);
  }
  function updateRow(row) {
    var out = row.querySelector("[data-entry-total] output");
    if (!out) return;
    var total = null, bad = false;
    row.querySelectorAll("[data-entry-cell]").forEach(function (input) {
      var n = parse(input.value);
      if (n === null) return;
      if (isNaN(n)) { bad = true; return; }
      total = (total || 0) + n;
    });
    out.textContent = bad || total === null ? (bad ? "?" : "") : format(total);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-entry-form]");
    if (!form) return;
    var cells = Array.prototype.slice.call(form.querySelectorAll("[data-entry-cell]"));
    form.addEventListener("keydown", function (e) {
      if (e.key !== "Enter" || !e.target.matches || !e.target.matches("[data-entry-cell]")) return;
      e.preventDefault();
      var next = cells[cells.indexOf(e.target) + (e.shiftKey ? -1 : 1)];
      if (next) next.focus();
    });
    form.addEventListener("input", function (e) {
      var row = e.target.closest && e.target.closest("[data-entry-row]");
      if (row && e.target.matches("[data-entry-cell]")) updateRow(row);
    });
  });
})();
