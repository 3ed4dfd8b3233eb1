/* MONA × SPARK — CRM lists (artists, sponsors, contacts, deals). Loaded with defer after htmx and app.js.
 *
 * - Keeps list URLs short: empty filters, default columns and the default page size leave the query string;
 *   the column checkboxes become one `cols=a,b,c`.
 * - Filter chips clear their field in the filter form, which then reloads the table (htmx).
 * - Record pickers (artist, sponsor) ask the records' picker endpoint for suggestions.
 * - Row selection drives the bulk-action bar; after a bulk action the list reloads where it was.
 */
(function () {
  "use strict";

  const _ = (s) => (typeof window.gettext === "function" ? window.gettext(s) : s);
  const interpolate = (fmt, obj) =>
    typeof window.interpolate === "function" ? window.interpolate(fmt, obj, true) : fmt.replace(/%\(count\)s/g, obj.count);
  const DEFAULT_PER_PAGE = "25";

  function listForm() {
    return document.getElementById("list-form");
  }

  /* ------------------------------------------------------------ clean query strings */
  document.addEventListener("htmx:configRequest", (e) => {
    const form = listForm();
    if (!form || e.detail.verb !== "get" || !e.detail.path.startsWith(form.getAttribute("action"))) return;
    const data = e.detail.formData;
    if (!data) return;
    if (e.detail.elt === form) {
      const cols = data.getAll("cols");
      data.delete("cols");
      const defaults = (form.dataset.defaultCols || "").split(",").filter(Boolean);
      const same = cols.length === defaults.length && defaults.every((key) => cols.includes(key));
      if (cols.length && !same) data.append("cols", cols.join(","));
    }
    for (const key of Array.from(new Set(data.keys()))) {
      const values = data.getAll(key).filter((value) => value !== "");
      data.delete(key);
      if (key === "per_page" && values.length === 1 && values[0] === DEFAULT_PER_PAGE) continue;
      values.forEach((value) => data.append(key, value));
    }
  });

  /* ------------------------------------------------------------ filter chips and page size */
  function clearField(form, name, value) {
    Array.from(form.elements).forEach((el) => {
      if (el.name !== name) return;
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.value === value) el.checked = false;
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.from(el.options).forEach((opt) => {
          if (opt.value === value) opt.selected = false;
        });
      } else {
        el.value = "";
        const lookup = el.closest("[data-lookup]");
        const shown = lookup && lookup.querySelector("[data-lookup-input]");
        if (shown) shown.value = "";
      }
    });
  }

  document.addEventListener("click", (e) => {
    const chip = e.target.closest && e.target.closest(".filter-chip[data-chip-name]");
    const form = listForm();
    if (!chip || !form || !window.htmx) return;
    e.preventDefault();
    clearField(form, chip.dataset.chipName, chip.dataset.chipValue);
    form.requestSubmit();
  });

  document.addEventListener("change", (e) => {
    const el = e.target;
    // the page size select sits in the table, outside the form it belongs to
    if (el.matches && el.matches("[data-list-per-page]")) {
      const form = listForm();
      if (form) form.requestSubmit();
    }
  });

  /* ------------------------------------------------------------ record pickers */
  // Only the hidden input of a picker speaks to the filter form; the search box's own events stay local.
  document.addEventListener("change", (e) => {
    if (e.target.matches && e.target.matches("[data-lookup-input]")) e.stopPropagation();
  }, true);

  function pickerParts(el) {
    const root = el.closest("[data-lookup]");
    return root && {
      root: root,
      value: root.querySelector("[data-lookup-value]"),
      input: root.querySelector("[data-lookup-input]"),
      menu: root.querySelector("[data-lookup-menu]"),
    };
  }

  function closeMenu(parts) {
    parts.menu.classList.remove("show");
    parts.input.setAttribute("aria-expanded", "false");
  }

  function choose(parts, pk, label) {
    parts.input.value = label;
    closeMenu(parts);
    if (parts.value.value === pk) return;
    parts.value.value = pk;
    parts.value.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function fillMenu(parts, results) {
    parts.menu.replaceChildren();
    if (!results.length) {
      const empty = document.createElement("div");
      empty.className = "dropdown-item-text lookup-empty";
      empty.textContent = parts.input.dataset.emptyText || _("No match");
      parts.menu.appendChild(empty);
    }
    results.forEach((item) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "dropdown-item";
      button.setAttribute("role", "option");
      button.dataset.lookupPk = String(item.id);
      button.dataset.lookupLabel = item.label;
      const label = document.createElement("span");
      label.textContent = item.label;
      button.appendChild(label);
      if (item.hint) {
        const hint = document.createElement("small");
        hint.className = "lookup-hint";
        hint.textContent = item.hint;
        button.appendChild(hint);
      }
      parts.menu.appendChild(button);
    });
    parts.menu.classList.add("show");
    parts.input.setAttribute("aria-expanded", "true");
  }

  const timers = new WeakMap();
  document.addEventListener("input", (e) => {
    const input = e.target;
    if (!input.matches || !input.matches("[data-lookup-input]")) return;
    const parts = pickerParts(input);
    clearTimeout(timers.get(input));
    if (!input.value.trim()) {
      closeMenu(parts);
      if (parts.value.value) choose(parts, "", "");
      return;
    }
    timers.set(input, setTimeout(() => {
      const url = parts.root.dataset.lookupUrl + "?q=" + encodeURIComponent(input.value.trim());
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : { results: [] }))
        .then((data) => fillMenu(parts, data.results || []))
        .catch(() => closeMenu(parts));
    }, 200));
  });

  document.addEventListener("click", (e) => {
    const option = e.target.closest && e.target.closest("[data-lookup-menu] [data-lookup-pk]");
    if (option) {
      choose(pickerParts(option), option.dataset.lookupPk, option.dataset.lookupLabel);
      return;
    }
    document.querySelectorAll("[data-lookup-menu].show").forEach((menu) => {
      if (!menu.parentNode.contains(e.target)) closeMenu(pickerParts(menu));
    });
  });

  document.addEventListener("keydown", (e) => {
    const el = e.target;
    if (!el.closest || !el.closest("[data-lookup]")) return;
    const parts = pickerParts(el);
    const options = Array.from(parts.menu.querySelectorAll("[data-lookup-pk]"));
    const index = options.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && options.length) {
      e.preventDefault();
      options[Math.min(index + 1, options.length - 1)].focus();
    } else if (e.key === "ArrowUp" && options.length) {
      e.preventDefault();
      if (index <= 0) parts.input.focus();
      else options[index - 1].focus();
    } else if (e.key === "Escape" && parts.menu.classList.contains("show")) {
      e.preventDefault();
      closeMenu(parts);
      parts.input.focus();
    } else if (e.key === "Enter" && el === parts.input) {
      e.preventDefault(); // never submit the filter form with a half-typed name
      if (options.length === 1) choose(parts, options[0].dataset.lookupPk, options[0].dataset.lookupLabel);
    }
  });

  /* ------------------------------------------------------------ selection and bulk actions */
  function rowBoxes() {
    return Array.from(document.querySelectorAll("[data-row-select]"));
  }

  function refreshSelection() {
    const form = document.querySelector("[data-bulk-form]");
    const all = document.querySelector("[data-select-all]");
    const boxes = rowBoxes();
    const count = boxes.filter((box) => box.checked).length;
    boxes.forEach((box) => box.closest("tr").classList.toggle("is-selected", box.checked));
    if (all) {
      all.checked = count > 0 && count === boxes.length;
      all.indeterminate = count > 0 && count < boxes.length;
    }
    if (!form) return;
    form.hidden = count === 0;
    const counter = form.querySelector("[data-bulk-count]");
    if (counter) {
      counter.textContent = interpolate(
        window.ngettext ? window.ngettext("%(count)s selected", "%(count)s selected", count) : "%(count)s selected",
        { count: count }
      );
    }
    const countLabel = document.querySelector("[data-list-count]");
    if (countLabel) countLabel.hidden = count > 0;
  }

  document.addEventListener("change", (e) => {
    const el = e.target;
    if (el.matches && el.matches("[data-select-all]")) {
      rowBoxes().forEach((box) => {
        box.checked = el.checked;
      });
      refreshSelection();
    } else if (el.matches && el.matches("[data-row-select]")) {
      refreshSelection();
    }
  });

  document.addEventListener("click", (e) => {
    const clear = e.target.closest && e.target.closest("[data-bulk-clear]");
    if (clear) {
      rowBoxes().forEach((box) => {
        box.checked = false;
      });
      refreshSelection();
      return;
    }
    // ask with the number of rows: app.js confirms htmx requests from the form's data-confirm
    const action = e.target.closest && e.target.closest("[data-bulk-action]");
    if (action && action.form) {
      const count = rowBoxes().filter((box) => box.checked).length;
      const template = action.form.getAttribute("data-confirm-" + action.dataset.bulkAction) || "";
      action.form.setAttribute("data-confirm", interpolate(template, { count: count }));
    }
  });

  document.addEventListener("crm-list-refresh", () => {
    const table = document.getElementById("list-table");
    if (table && window.htmx) {
      window.htmx.ajax("GET", window.location.pathname + window.location.search, { target: "#list-table", swap: "outerHTML" });
    }
  });

  document.addEventListener("htmx:afterSettle", (e) => {
    if (e.detail && e.detail.elt && (e.detail.elt.id === "list-table" || e.detail.target && e.detail.target.id === "list-table")) {
      refreshSelection();
    }
  });

  // the "save this view" dialog: type the name at once
  document.addEventListener("shown.bs.modal", (e) => {
    const input = e.target.querySelector && e.target.querySelector("#saved-view-form input[name=name]");
    if (input) input.focus();
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", refreshSelection);
  else refreshSelection();
})();
