/* Scoring settings (crm/scoring_settings.html): show each weight slider's value as it moves, and put the default
   weights back. The preview itself is htmx (the form posts with preview=1 on input). */
(function () {
  "use strict";

  function sync(range) {
    var output = document.querySelector('[data-weight-output="' + range.id + '"]');
    if (output) output.textContent = range.value;
  }

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.type === "range" && target.closest("#scoring-form")) sync(target);
  });

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-weights-default]") : null;
    if (!button) return;
    var defaults = JSON.parse(button.getAttribute("data-weights-default"));
    Object.keys(defaults).forEach(function (key) {
      var range = document.getElementById("id_weight_" + key);
      if (range) {
        range.value = defaults[key];
        sync(range);
      }
    });
    var form = button.closest("form");
    if (form) form.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
