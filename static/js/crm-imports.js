/* CRM import wizard: refuse a too-big file before uploading it, show which kind is chosen, and show that a
 * long step (uploading, checking 50,000 rows, starting) is under way. Everything works without it. */
(function () {
  "use strict";

  const _ = (s) => (typeof window.gettext === "function" ? window.gettext(s) : s);

  function fileTooLarge(input) {
    const max = parseInt(input.dataset.maxBytes || "0", 10);
    const file = input.files && input.files[0];
    return Boolean(max && file && file.size > max);
  }

  function showFileError(input, message) {
    const field = input.closest(".ms-field");
    const box = field && field.querySelector("[data-file-error]");
    const text = box && box.querySelector("[data-file-error-text]");
    if (!box || !text) return;
    text.textContent = message || "";
    box.hidden = !message;
    field.classList.toggle("has-error", Boolean(message));
    input.setCustomValidity(message || "");
  }

  document.addEventListener("change", (e) => {
    const input = e.target;
    if (input.matches && input.matches("[data-import-upload] input[type=file]")) {
      showFileError(input, fileTooLarge(input) ? input.dataset.tooLarge : "");
    }
    if (input.matches && input.matches(".import-kind-input")) {
      document.querySelectorAll(".import-kind").forEach((label) => {
        label.classList.toggle("is-checked", label.contains(input) ? input.checked : false);
      });
    }
  });

  // Long steps: once the form really submits (a data-confirm may have cancelled it), disable the button and
  // say what is happening.
  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (!form.matches || !form.matches("[data-busy-form], [data-import-upload]")) return;
    const input = form.querySelector("input[type=file][data-max-bytes]");
    if (input && fileTooLarge(input)) {
      e.preventDefault();
      showFileError(input, input.dataset.tooLarge);
      return;
    }
    const button = e.submitter && e.submitter.form === form ? e.submitter : form.querySelector("[data-busy-label]");
    if (!button || !button.dataset.busyLabel) return;
    window.setTimeout(() => {
      if (e.defaultPrevented) return;
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      const spinner = document.createElement("span");
      spinner.className = "spinner-border spinner-border-sm";
      spinner.setAttribute("aria-hidden", "true");
      button.replaceChildren(spinner, document.createTextNode(" " + button.dataset.busyLabel));
    }, 0);
  });

  // Coming back with the browser's back button: buttons disabled above must work again.
  window.addEventListener("pageshow", (e) => {
    if (!e.persisted) return;
    document.querySelectorAll("[aria-busy=true]").forEach((b) => {
      b.disabled = false;
      b.removeAttribute("aria-busy");
      b.textContent = _("Try again");
    });
  });
})();
