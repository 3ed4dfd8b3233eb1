/* Planning events: the event form's recurrence builder (shows the parts that apply to the chosen frequency,
   the end fields of the chosen ending, the times unless "all day"), and the copy button of the iCal page.
   Works on full pages and in htmx fragments (the calendar's modal). */
(function () {
  "use strict";

  function fieldBox(form, name) {
    const input = form.querySelector('[name="' + name + '"]');
    return input ? input.closest(".ms-field") : null;
  }

  function show(el, visible) {
    if (el) el.hidden = !visible;
  }

  function checkedValue(form, name) {
    const el = form.querySelector('[name="' + name + '"]');
    if (!el) return "";
    if (el.type === "checkbox") return el.checked;
    return el.value;
  }

  function update(form) {
    const repeat = checkedValue(form, "repeat");
    const builder = ["daily", "weekly", "monthly", "yearly"].includes(repeat);
    show(form.querySelector("[data-repeat-panel]"), builder);
    show(fieldBox(form, "rrule"), repeat === "custom");
    show(fieldBox(form, "weekdays"), repeat === "weekly");
    show(fieldBox(form, "monthly_by"), repeat === "monthly");
    const ends = checkedValue(form, "ends");
    show(fieldBox(form, "count"), builder && ends === "count");
    show(fieldBox(form, "until"), builder && ends === "until");
    const unit = form.querySelector("[data-interval-unit]");
    if (unit) unit.textContent = unit.getAttribute("data-" + repeat) || "";
    const allDay = checkedValue(form, "all_day");
    show(fieldBox(form, "start_time"), !allDay);
    show(fieldBox(form, "end_time"), !allDay);
  }

  function init(root) {
    const forms = root.matches && root.matches("[data-event-form]") ? [root] : root.querySelectorAll("[data-event-form]");
    forms.forEach((form) => {
      update(form);
      if (form.dataset.eventFormReady) return;
      form.dataset.eventFormReady = "1";
      form.addEventListener("change", () => update(form));
    });
  }

  document.addEventListener("click", (e) => {
    const button = e.target.closest && e.target.closest("[data-copy-target]");
    if (!button) return;
    const input = document.getElementById(button.getAttribute("data-copy-target"));
    if (!input) return;
    input.select();
    const done = () => {
      const label = button.querySelector("[data-copy-label]");
      if (label) label.textContent = button.getAttribute("data-copied");
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(input.value).then(done, done);
    else {
      try { document.execCommand("copy"); } catch (err) { /* the text stays selected for the reader */ }
      done();
    }
  });

  function start() {
    if (window.htmx) window.htmx.onLoad(init);
    else init(document);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
