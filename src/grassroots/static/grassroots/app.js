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
