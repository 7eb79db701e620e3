// Target allocation: show the sum of the numbers as they are typed (the server checks it
// again on submit, so the page works without this).
(function () {
  "use strict";
  var form = document.querySelector("[data-allocate-form]");
  if (!form) return;
  var message = form.querySelector("[data-allocate-message]");

  function update() {
    var allMatch = true;
    form.querySelectorAll("[data-allocate-sum]").forEach(function (output) {
      var kind = output.getAttribute("data-allocate-sum");
      var sum = 0;
      form.querySelectorAll('input[data-allocate="' + kind + '"]').forEach(function (input) {
        var value = parseInt(input.value, 10);
        if (!isNaN(value)) sum += value;
      });
      output.textContent = String(sum);
      var matches = sum === parseInt(output.getAttribute("data-total"), 10);
      output.classList.toggle("error", !matches);
      if (!matches) allMatch = false;
    });
    if (message) {
      message.hidden = allMatch;
      message.textContent = allMatch ? "" : message.getAttribute("data-mismatch");
    }
  }

  form.addEventListener("input", update);
  update();
})();
