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
