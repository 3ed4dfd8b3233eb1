/* MONA × SPARK — Planning's board pages (planning/templates/planning/boards/): colours from the database, the
 * task side panel (a click on a card loads TASKS' panel view into #task-panel without leaving the board; a deep
 * link ?task=<pk> opens it), quick-add keeping its focus, settings selects that submit on change.
 * The board itself (drag and drop, live frames) is static/js/boards.js. */
(function () {
  "use strict";

  const COLOR = /^#[0-9a-fA-F]{3,8}$/;
  const DRAG_TOLERANCE = 6;

  function paint(root) {
    (root || document).querySelectorAll(".board-index-card[data-color], .planning-board-name[data-color]").forEach((el) => {
      const color = el.getAttribute("data-color");
      if (COLOR.test(color || "")) el.style.setProperty("--board-color", color);
    });
  }

  /* ------------------------------------------------------------------ the task panel */
  function panelUrl(id) {
    const area = document.querySelector("[data-task-panel-url]");
    const pattern = area ? area.getAttribute("data-task-panel-url") : "";
    return pattern ? pattern.replace("{id}", String(Number(id))) : "";
  }

  function setTaskParam(id) {
    const url = new URL(window.location.href);
    if (id) url.searchParams.set("task", String(id));
    else url.searchParams.delete("task");
    window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
  }

  function openTask(id) {
    const url = panelUrl(id);
    const panel = document.getElementById("task-panel");
    if (!url || !panel || !window.htmx) return false;
    const body = document.getElementById("task-panel-body");
    panel.setAttribute("data-task", String(id));
    window.htmx.ajax("GET", url, { target: body, swap: "innerHTML" });
    if (window.bootstrap) window.bootstrap.Offcanvas.getOrCreateInstance(panel).show();
    setTaskParam(id);
    return true;
  }

  let down = null;
  document.addEventListener("pointerdown", (e) => {
    down = { x: e.clientX, y: e.clientY };
  });

  document.addEventListener("click", (e) => {
    const card = e.target.closest("[data-board] [data-card]");
    if (!card || e.defaultPrevented) return;
    if (e.target.closest("[data-board-move], button, input, select, textarea")) return;
    const link = e.target.closest("a[href]");
    if (link && !link.hasAttribute("data-task-open")) return; // another link on the card (a record)
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button === 1) return; // open in a new tab as usual
    const board = card.closest("[data-board]");
    const moved = down && Math.hypot(e.clientX - down.x, e.clientY - down.y) > DRAG_TOLERANCE;
    if (moved || board.classList.contains("is-dragging") || card.classList.contains("is-saving")) {
      e.preventDefault(); // the end of a drag, not a click
      return;
    }
    if (openTask(card.dataset.card)) e.preventDefault();
  });

  document.addEventListener("hidden.bs.offcanvas", (e) => {
    if (e.target && e.target.id === "task-panel") {
      e.target.removeAttribute("data-task");
      setTaskParam(null);
    }
  });

  function deepLink() {
    const id = new URL(window.location.href).searchParams.get("task");
    if (id && /^\d+$/.test(id)) openTask(id);
  }

  /* ------------------------------------------------------------------ quick-add: keep typing after Enter */
  document.addEventListener("htmx:afterSwap", (e) => {
    const form = e.detail && e.detail.elt && e.detail.elt.closest ? e.detail.elt.closest("[data-quick-add]") : null;
    const swapped = e.detail && e.detail.target;
    const target = form || (swapped && swapped.matches && swapped.matches("[data-quick-add]") ? swapped : null);
    if (!target) return;
    const column = target.querySelector("input[name=column]");
    const again = column ? document.querySelector('[data-quick-add] input[name=column][value="' + column.value + '"]') : null;
    const input = again ? again.closest("form").querySelector("input[name=title]") : null;
    if (input) input.focus();
  });
  document.addEventListener("htmx:beforeRequest", (e) => {
    const form = e.detail && e.detail.elt;
    if (!form || !form.matches || !form.matches("[data-quick-add]")) return;
    const input = form.querySelector("input[name=title]");
    if (input && !input.value.trim()) e.preventDefault(); // Enter on an empty field: nothing to add
  });

  /* ------------------------------------------------------------------ settings: a role select saves itself */
  document.addEventListener("change", (e) => {
    const select = e.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.requestSubmit();
  });

  function start() {
    paint(document);
    deepLink();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
