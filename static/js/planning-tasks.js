/*
 * The task panel (planning/task_panel.html), on a board page's offcanvas or on the task's own page:
 *  - edit toggles: [data-edit-toggle=x] shows form [data-edit-form=x] instead of [data-edit-view=x] (in a task
 *    panel, or in a checklist [data-checklist] also on an event's page); Escape cancels a checklist item's or comment's
 *  - the repeat builder: fields [data-repeat-show="weekly monthly"] follow the select [data-repeat]
 *  - the link picker: [data-link-picker] searches its kind (JSON) and links the chosen record
 *  - live: when someone else changes the open task ("planning.task.changed" on the live socket), the panel
 *    reloads, unless the reader is editing it: then a notice offers the reload.
 */
(function () {
  "use strict";
  if (window.MSPlanningTasks) return; // the panel fragment brings this script along each time it is loaded
  window.MSPlanningTasks = true;

  const _ = (s) => (typeof window.gettext === "function" ? window.gettext(s) : s);
  const SEARCH_DELAY = 200;

  function panels() {
    return Array.from(document.querySelectorAll("[data-task-panel]"));
  }

  /* ------------------------------------------------------------ edit toggles */
  function setEditing(panel, name, on) {
    panel.querySelectorAll('[data-edit-view="' + name + '"], [data-edit-toggle="' + name + '"]').forEach((el) => {
      el.hidden = on;
    });
    const form = panel.querySelector('[data-edit-form="' + name + '"]');
    if (!form) return;
    form.hidden = !on;
    if (on) {
      const first = form.querySelector("input:not([type=hidden]), select, textarea");
      if (first) {
        first.focus();
        if (first.select && first.tagName === "INPUT") first.select();
      }
    } else {
      form.reset();
      syncRepeat(form);
    }
  }

  document.addEventListener("click", (e) => {
    const toggle = e.target.closest("[data-edit-toggle]");
    const cancel = e.target.closest("[data-edit-cancel]");
    const el = toggle || cancel;
    if (!el) return;
    const panel = el.closest("[data-checklist], [data-task-panel]");
    if (!panel) return;
    e.preventDefault();
    const name = toggle ? toggle.dataset.editToggle : cancel.dataset.editCancel;
    setEditing(panel, name, Boolean(toggle));
    if (cancel) {
      const back = panel.querySelector('[data-edit-toggle="' + name + '"]');
      if (back) back.focus();
    }
  });

  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || !e.target.closest) return;
    const form = e.target.closest('[data-edit-form^="checklist-"], [data-edit-form^="comment-"]');
    const panel = form && form.closest("[data-checklist], [data-task-panel]");
    if (!panel) return;
    e.preventDefault();
    e.stopPropagation(); // captured before the board's offcanvas, which would close on Escape too
    const name = form.dataset.editForm;
    setEditing(panel, name, false);
    const back = panel.querySelector('[data-edit-toggle="' + name + '"]');
    if (back) back.focus();
  }, true);

  /* ------------------------------------------------------------ the repeat builder */
  function syncRepeat(root) {
    (root.matches && root.matches("[data-repeat-builder]") ? [root] : Array.from(root.querySelectorAll("[data-repeat-builder]"))).forEach((builder) => {
      const select = builder.querySelector("select[data-repeat]");
      const value = select ? select.value : "";
      const ends = builder.querySelector('select[name="ends"]');
      builder.querySelectorAll("[data-repeat-show]").forEach((el) => {
        const wanted = el.dataset.endsShow;
        el.hidden = !value || el.dataset.repeatShow.split(" ").indexOf(value) < 0 || Boolean(wanted && (!ends || ends.value !== wanted));
      });
      const interval = builder.querySelector('[name="interval"]');
      if (interval) {
        const wrap = interval.closest(".ms-field");
        if (wrap) wrap.hidden = !value || value === "custom";
      }
    });
  }

  document.addEventListener("change", (e) => {
    if (e.target.matches && e.target.matches('select[data-repeat], [data-repeat-builder] select[name="ends"]')) {
      syncRepeat(e.target.closest("[data-repeat-builder]"));
    }
  });

  /* ------------------------------------------------------------ the link picker */
  let searchTimer = null;

  function renderResults(picker, results) {
    const box = picker.querySelector("[data-link-results]");
    box.textContent = "";
    if (!results.length) {
      const none = document.createElement("div");
      none.className = "list-group-item small text-body-secondary";
      none.textContent = _("Nothing found.");
      box.append(none);
    }
    results.forEach((item) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "list-group-item list-group-item-action";
      button.dataset.linkChoice = String(item.id);
      button.textContent = item.title;
      box.append(button);
    });
    box.hidden = false;
  }

  function search(picker) {
    const input = picker.querySelector("[data-link-query]");
    const kind = picker.querySelector("[data-link-kind]");
    const url = new URL(picker.dataset.searchUrl, window.location.origin);
    url.searchParams.set("kind", kind.value);
    url.searchParams.set("q", input.value.trim());
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : { results: [] }))
      .then((data) => renderResults(picker, data.results || []))
      .catch(() => renderResults(picker, []));
  }

  document.addEventListener("input", (e) => {
    const input = e.target.closest && e.target.closest("[data-link-query]");
    if (!input) return;
    const picker = input.closest("[data-link-picker]");
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => search(picker), SEARCH_DELAY);
  });
  document.addEventListener("focusin", (e) => {
    const input = e.target.closest && e.target.closest("[data-link-query]");
    if (input) search(input.closest("[data-link-picker]"));
  });
  document.addEventListener("click", (e) => {
    const choice = e.target.closest("[data-link-choice]");
    if (!choice) return;
    const picker = choice.closest("[data-link-picker]");
    picker.querySelector("[data-link-id]").value = choice.dataset.linkChoice;
    if (window.htmx) window.htmx.trigger(picker, "submit");
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.target.matches && e.target.matches("[data-link-query]")) {
      e.preventDefault();
      const first = e.target.closest("[data-link-picker]").querySelector("[data-link-choice]");
      if (first) first.click();
    }
  });

  /* ------------------------------------------------------------ live */
  function editing(panel) {
    if (panel.querySelector("[data-edit-form]:not([hidden])")) return true;
    const active = document.activeElement;
    return Boolean(active && panel.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName) && active.value && active.type !== "hidden" && active.type !== "checkbox");
  }

  // One reload of a task's panel at a time: a change arriving while one is in flight asks for another once it has
  // been swapped in (a second request aimed at the panel being replaced would land on a detached element).
  const reloading = new Map();
  function reload(panel) {
    if (!window.htmx) return;
    const key = panel.dataset.taskPanel;
    const state = reloading.get(key);
    if (state) {
      state.again = true;
      return;
    }
    reloading.set(key, { again: false });
    Promise.resolve(window.htmx.ajax("GET", panel.dataset.panelUrl, { target: panel, swap: "outerHTML" }))
      .catch(() => {})
      .then(() => {
        const done = reloading.get(key);
        reloading.delete(key);
        if (!done || !done.again) return;
        const fresh = Array.from(panels()).find((p) => p.dataset.taskPanel === key);
        if (fresh) reload(fresh);
      });
  }

  function notice(panel, text, withReload) {
    if (panel.querySelector("[data-task-notice]")) return;
    const box = document.createElement("div");
    box.className = "alert alert-info py-2 small d-flex align-items-center gap-2 task-notice";
    box.setAttribute("role", "status");
    box.dataset.taskNotice = "";
    box.append(document.createTextNode(text));
    if (withReload) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-outline-primary ms-auto";
      button.textContent = _("Show the changes");
      button.addEventListener("click", () => reload(panel));
      box.append(button);
    }
    panel.prepend(box);
  }

  document.addEventListener("ms:live", (e) => {
    const detail = e.detail || {};
    const data = detail.data || {};
    if (detail.event !== "planning.task.changed" && detail.event !== "planning.task.deleted") return;
    panels().forEach((panel) => {
      if (String(data.task) !== panel.dataset.taskPanel) return;
      if (detail.event === "planning.task.deleted") {
        notice(panel, _("This task was deleted."), false);
        panel.querySelectorAll("form, button").forEach((el) => el.setAttribute("inert", ""));
        return;
      }
      if (data.by != null && String(data.by) === panel.dataset.me) return;
      if (editing(panel)) notice(panel, _("Someone else changed this task."), true);
      else reload(panel);
    });
  });

  function init(root) {
    syncRepeat(root || document);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => init(document));
  else init(document);
  document.addEventListener("htmx:load", (e) => init(e.detail && e.detail.elt ? e.detail.elt : document));
})();
