// Behaviour every page shares. No inline script or on*= attribute anywhere: the
// Content-Security-Policy allows scripts from this server's files only.
"use strict";

// <select data-submit-on-change> sends its form when the choice changes (the language menu).
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-submit-on-change")) {
    field.form.submit();
  }
});

// <input data-picker="/pick/units/?…" list="…-choices">: while the user types, ask the
// search page (grassroots/pickers.py) and offer its answers in the input's <datalist>.
// Without this script the input is a plain text field that the form resolves on submit.
(function () {
  var timers = new WeakMap();
  var asked = new WeakMap();

  function fill(input, results) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    list.replaceChildren();
    results.forEach(function (result) {
      var option = document.createElement("option");
      option.value = result.value;
      option.label = result.label;
      option.textContent = result.label;
      list.appendChild(option);
    });
  }

  function search(input) {
    var text = input.value.trim();
    if (text.length < 2 || asked.get(input) === text) return;
    asked.set(input, text);
    var url = input.getAttribute("data-picker");
    url += (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(text);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { if (input.value.trim() === text) fill(input, data.results || []); })
      .catch(function () { /* the form still resolves what was typed */ });
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-picker")) return;
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { search(input); }, 250));
  });
})();

// A table wider than the screen scrolls inside its own box (app.css, on a phone); such a box
// takes the keyboard's focus so that it can be scrolled without a pointer too.
function markScrollingTables() {
  document.querySelectorAll("main table").forEach(function (table) {
    if (table.scrollWidth > table.clientWidth + 1) {
      table.tabIndex = 0;
    } else if (table.getAttribute("tabindex") === "0") {
      table.removeAttribute("tabindex");
    }
  });
}
document.addEventListener("DOMContentLoaded", markScrollingTables);
window.addEventListener("resize", markScrollingTables);
document.addEventListener("htmx:afterSettle", markScrollingTables);

// A list table (<table class="table stack">) is shown on a phone as one card a row, each
// cell under its column's name (app.css): the names are copied from the table's header
// into each cell's data-label here, so the templates need not repeat them. A cell that
// spans columns (the "nothing found" row) gets none.
function labelStackedTables() {
  document.querySelectorAll("table.stack").forEach(function (table) {
    var names = [];
    var header = table.tHead && table.tHead.rows[0];
    if (!header) return;
    Array.prototype.forEach.call(header.cells, function (cell) {
      for (var i = 0; i < (cell.colSpan || 1); i++) names.push(cell.textContent.trim());
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (cell.colSpan === 1 && names[column]) cell.setAttribute("data-label", names[column]);
          column += cell.colSpan || 1;
        });
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", function () { labelStackedTables(); });
// Rows that htmx swaps in (a page of a list, a task's progress) are labelled as they come.
document.addEventListener("htmx:afterSettle", function () { labelStackedTables(); });
