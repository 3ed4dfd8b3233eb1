/* MONA × SPARK — CRM record pages (artist, sponsor, contact, deal, campaign, pipeline settings).
 * Loaded with defer after htmx, Bootstrap and the JS catalogue (window.gettext). No inline script, no inline style:
 * colours and widths go through the CSSOM. Everything is (re)applied to content htmx brings in (htmx.onLoad).
 *
 *  - lazy tabs: a tab's pane loads on first show; the address bar follows the tab (?tab=…)
 *  - chips: select[multiple][data-chips] becomes chips + a type-to-filter box (the select still submits)
 *  - pickers: select[data-picker=url] searches records as you type (JSON from crm:record-picker)
 *  - formsets: [data-formset] "add a row" from its <template data-formset-empty>
 *  - timeline: entries arriving live are fetched once, never shown twice
 *  - analytics: the audience chart (Chart.js) from the canvas's data-audience-chart JSON
 *  - stage editor: drag stages by their handle (SortableJS); the server keeps the order
 */
(function () {
  "use strict";

  const _ = (s) => (typeof window.gettext === "function" ? window.gettext(s) : s);
  const lang = () => document.documentElement.lang || "fr";

  /* ------------------------------------------------------------ small helpers */
  function each(root, selector, fn) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches(selector)) fn(root);
    root.querySelectorAll(selector).forEach(fn);
  }
  function once(el, key) {
    if (el.dataset[key]) return false;
    el.dataset[key] = "1";
    return true;
  }
  function make(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  /* ------------------------------------------------------------ colours and bars from data attributes */
  function paint(root) {
    each(root, "[data-color]", (el) => {
      const color = el.getAttribute("data-color");
      if (/^#[0-9a-fA-F]{6}$/.test(color)) el.style.backgroundColor = color;
    });
    each(root, ".stage-steps", (steps) => {
      const current = steps.querySelector(".is-current");
      if (current && steps.scrollWidth > steps.clientWidth) {
        steps.scrollLeft = current.offsetLeft - steps.offsetLeft - (steps.clientWidth - current.offsetWidth) / 2;
      }
    });
    each(root, "[data-progress]", (el) => {
      const value = Math.max(0, Math.min(100, parseFloat(el.getAttribute("data-progress")) || 0));
      el.style.width = value + "%";
    });
  }

  /* ------------------------------------------------------------ lazy tabs */
  document.addEventListener("shown.bs.tab", (e) => {
    const link = e.target;
    if (!link.closest || !link.closest(".record-tabs")) return;
    const pane = document.querySelector(link.getAttribute("data-bs-target"));
    if (pane && pane.hasAttribute("data-lazy") && window.htmx) window.htmx.trigger(pane, "crm-show");
    const href = link.getAttribute("href");
    if (href && window.history && window.history.replaceState) {
      window.history.replaceState(window.history.state, "", href);
    }
  });

  /* ------------------------------------------------------------ chips (local choices) */
  function chipsFor(select, opts) {
    const wrap = make("div", "chips");
    const list = make("div", "chips-list");
    const input = make("input", "chips-input");
    input.type = "search";
    input.autocomplete = "off";
    input.placeholder = opts.placeholder || _("Type to search…");
    input.setAttribute("aria-label", (select.labels && select.labels[0] ? select.labels[0].textContent.trim() + " — " : "") + _("search"));
    const menu = make("div", "chips-menu dropdown-menu");
    menu.setAttribute("role", "listbox");
    wrap.append(list, input, menu);
    select.classList.add("chips-source");
    select.setAttribute("tabindex", "-1");
    select.setAttribute("aria-hidden", "true");
    select.after(wrap);
    if (select.labels && select.labels[0] && !input.id) {
      input.id = select.id + "-search";
      select.labels[0].htmlFor = input.id;
    }

    function render() {
      list.replaceChildren();
      Array.from(select.selectedOptions).filter((o) => o.value).forEach((option) => {
        const chip = make("span", "chip");
        chip.append(make("span", "chip-label", option.textContent));
        const remove = make("button", "chip-remove");
        remove.type = "button";
        remove.setAttribute("aria-label", _("Remove") + " " + option.textContent);
        remove.append(make("i", "bi bi-x"));
        remove.addEventListener("click", () => {
          option.selected = false;
          if (opts.remote) option.remove();
          select.dispatchEvent(new Event("change", { bubbles: true }));
          render();
          input.focus();
        });
        chip.append(remove);
        list.append(chip);
      });
      wrap.classList.toggle("is-single-full", !select.multiple && select.selectedOptions.length > 0 && !!select.value);
    }

    function choose(value, label) {
      let option = Array.from(select.options).find((o) => o.value === String(value));
      if (!select.multiple) {
        Array.from(select.options).forEach((o) => {
          o.selected = false;
          if (opts.remote && o.value) o.remove();
        });
        option = null;
      }
      if (!option) {
        option = new Option(label, value, true, true);
        select.add(option);
      }
      option.selected = true;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      input.value = "";
      close();
      render();
    }

    function close() {
      menu.classList.remove("show");
      menu.replaceChildren();
    }

    function show(items) {
      menu.replaceChildren();
      if (!items.length) {
        menu.append(make("span", "dropdown-item-text text-body-secondary small", _("No match")));
      }
      items.forEach((item, index) => {
        const button = make("button", "dropdown-item");
        button.type = "button";
        button.setAttribute("role", "option");
        button.append(make("span", "", item.label));
        if (item.hint) button.append(make("small", "chips-hint", item.hint));
        button.addEventListener("mousedown", (ev) => ev.preventDefault());
        button.addEventListener("click", () => choose(item.id, item.label));
        if (index === 0) button.classList.add("active");
        menu.append(button);
      });
      menu.classList.add("show");
    }

    let timer = null;
    let lastQuery = null;
    function search() {
      const q = input.value.trim();
      if (opts.remote) {
        if (q === lastQuery && menu.classList.contains("show")) return;
        lastQuery = q;
        clearTimeout(timer);
        timer = setTimeout(() => {
          fetch(opts.remote + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" }, credentials: "same-origin" })
            .then((r) => (r.ok ? r.json() : { results: [] }))
            .then((data) => {
              if (document.activeElement !== input) return;
              const chosen = new Set(Array.from(select.selectedOptions).map((o) => o.value));
              show((data.results || []).filter((item) => !chosen.has(String(item.id))));
            })
            .catch(() => close());
        }, 180);
      } else {
        const needle = q.toLocaleLowerCase(lang());
        const items = Array.from(select.options)
          .filter((o) => o.value && !o.selected && o.textContent.toLocaleLowerCase(lang()).includes(needle))
          .slice(0, 50)
          .map((o) => ({ id: o.value, label: o.textContent }));
        show(items);
      }
    }

    input.addEventListener("focus", search);
    input.addEventListener("input", () => {
      lastQuery = null;
      search();
    });
    input.addEventListener("blur", () => setTimeout(close, 120));
    input.addEventListener("keydown", (ev) => {
      const buttons = Array.from(menu.querySelectorAll("button.dropdown-item"));
      const current = buttons.findIndex((b) => b.classList.contains("active"));
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        ev.preventDefault();
        if (!menu.classList.contains("show")) return search();
        const next = (current + (ev.key === "ArrowDown" ? 1 : -1) + buttons.length) % Math.max(buttons.length, 1);
        buttons.forEach((b, i) => b.classList.toggle("active", i === next));
        if (buttons[next]) buttons[next].scrollIntoView({ block: "nearest" });
      } else if (ev.key === "Enter") {
        if (menu.classList.contains("show") && buttons[current]) {
          ev.preventDefault();
          buttons[current].click();
        }
      } else if (ev.key === "Escape") {
        close();
      } else if (ev.key === "Backspace" && !input.value) {
        const last = select.selectedOptions[select.selectedOptions.length - 1];
        if (last && last.value) {
          last.selected = false;
          if (opts.remote) last.remove();
          render();
        }
      }
    });
    render();
  }

  function enhanceSelects(root) {
    each(root, "select[multiple][data-chips]", (select) => {
      if (once(select, "chipsReady")) chipsFor(select, {});
    });
    each(root, "select[data-picker]", (select) => {
      if (once(select, "chipsReady")) chipsFor(select, { remote: select.getAttribute("data-picker"), placeholder: _("Type a name…") });
    });
  }

  /* ------------------------------------------------------------ formsets */
  document.addEventListener("click", (e) => {
    const button = e.target.closest && e.target.closest("[data-formset-add]");
    if (!button) return;
    const box = button.closest("[data-formset]");
    const prefix = box.getAttribute("data-formset");
    const total = box.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    const max = box.querySelector('input[name="' + prefix + '-MAX_NUM_FORMS"]');
    const template = box.querySelector("template[data-formset-empty]");
    const rows = box.querySelector("[data-formset-rows]");
    const index = parseInt(total.value, 10) || 0;
    if (max && index >= parseInt(max.value, 10)) return;
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    const holder = document.createElement("div");
    holder.innerHTML = html;
    const row = holder.firstElementChild;
    rows.append(row);
    total.value = String(index + 1);
    const first = row.querySelector("input:not([type=hidden]), select");
    if (first) first.focus();
  });

  /* ------------------------------------------------------------ timeline */
  function dedupeTimeline() {
    const list = document.getElementById("crm-timeline-list");
    if (!list) return;
    const seen = new Set();
    list.querySelectorAll(":scope > [data-entry-id]").forEach((entry) => {
      const id = entry.getAttribute("data-entry-id");
      if (seen.has(id)) entry.remove();
      else seen.add(id);
    });
  }

  // The socket's first connection brings a "reload the timeline" (resync) too: the page is fresh then, skip it;
  // after a reconnection it catches up on what was written while the socket was away.
  let socketOpens = 0;
  document.addEventListener("htmx:wsOpen", () => {
    socketOpens += 1;
  });

  document.addEventListener("htmx:beforeRequest", (e) => {
    const elt = e.detail && e.detail.elt;
    if (!elt || !elt.hasAttribute) return;
    if (elt.hasAttribute("data-live-refresh") && (socketOpens <= 1 || !document.getElementById("crm-timeline-feed"))) {
      e.preventDefault();
      elt.remove();
    } else if (elt.hasAttribute("data-live-entry")) {
      const id = elt.getAttribute("data-live-entry");
      if (document.getElementById("interaction-" + id) || !document.getElementById("crm-timeline-list")) {
        e.preventDefault();
        elt.remove();
      }
    }
  });
  document.addEventListener("htmx:afterRequest", (e) => {
    const elt = e.detail && e.detail.elt;
    if (elt && elt.hasAttribute && (elt.hasAttribute("data-live-entry") || elt.hasAttribute("data-live-refresh"))) {
      const id = elt.getAttribute("data-live-entry");
      setTimeout(() => {
        elt.remove();
        const entry = id && document.getElementById("interaction-" + id);
        if (entry) entry.classList.add("is-new"); // a soft flash: someone else just wrote it
      }, 0);
    }
  });
  // A live entry fetched while the writer's own answer was on its way: swap it only if it is still missing.
  document.addEventListener("htmx:beforeSwap", (e) => {
    const elt = (e.detail && e.detail.requestConfig && e.detail.requestConfig.elt) || (e.detail && e.detail.elt);
    const id = elt && elt.getAttribute && elt.getAttribute("data-live-entry");
    if (id && document.getElementById("interaction-" + id)) e.detail.shouldSwap = false;
  });
  document.addEventListener("htmx:afterSwap", dedupeTimeline);
  document.addEventListener("htmx:afterSettle", dedupeTimeline);
  document.addEventListener("htmx:oobAfterSwap", dedupeTimeline);

  /* ------------------------------------------------------------ audience chart */
  const PLATFORM_COLORS = {
    spotify: "#1db954",
    instagram: "#d62976",
    tiktok: "#111111",
    youtube: "#ff0000",
    x: "#536471",
    facebook: "#1877f2",
    soundcloud: "#ff5500",
    deezer: "#a238ff",
    twitch: "#9146ff",
    other: "#6c757d",
  };

  function drawCharts(root) {
    each(root, "canvas[data-audience-chart]", (canvas) => {
      if (!window.Chart || !once(canvas, "chartReady")) return;
      let data;
      try {
        data = JSON.parse(canvas.getAttribute("data-audience-chart"));
      } catch (err) {
        return;
      }
      const dateFormat = new Intl.DateTimeFormat(lang(), { day: "numeric", month: "short", year: "2-digit" });
      const numberFormat = new Intl.NumberFormat(lang());
      const compact = new Intl.NumberFormat(lang(), { notation: "compact", maximumFractionDigits: 1 });
      const labels = data.labels.map((iso) => dateFormat.format(new Date(iso + "T00:00:00")));
      const datasets = data.datasets.map((set) => {
        const color = PLATFORM_COLORS[set.platform] || "#4f2bbd";
        return {
          label: set.label,
          data: set.data,
          borderColor: color,
          backgroundColor: color,
          spanGaps: true,
          tension: 0.25,
          pointRadius: data.labels.length > 40 ? 0 : 3,
          pointHoverRadius: 4,
          borderWidth: 2,
        };
      });
      new window.Chart(canvas, {
        type: "line",
        data: { labels: labels, datasets: datasets },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          interaction: { mode: "index", intersect: false },
          plugins: {
            legend: { position: "bottom", labels: { boxWidth: 12, usePointStyle: true } },
            tooltip: { callbacks: { label: (ctx) => ctx.dataset.label + ": " + numberFormat.format(ctx.parsed.y) } },
          },
          scales: {
            x: { grid: { display: false }, ticks: { maxTicksLimit: 8, maxRotation: 0 } },
            y: { beginAtZero: false, ticks: { callback: (value) => compact.format(value) } },
          },
        },
      });
    });
  }

  /* ------------------------------------------------------------ stage editor (drag to reorder) */
  function sortableStages(root) {
    each(root, "[data-stage-sortable]", (list) => {
      if (!window.Sortable || !once(list, "sortReady")) return;
      window.Sortable.create(list, {
        handle: ".stage-handle",
        animation: 120,
        ghostClass: "stage-ghost",
        onEnd: (ev) => {
          if (ev.oldIndex === ev.newIndex) return;
          const ids = Array.from(list.querySelectorAll(":scope > [data-stage-id]")).map((li) => li.getAttribute("data-stage-id"));
          list.classList.add("is-saving");
          window.htmx.ajax("POST", list.getAttribute("data-reorder-url"), {
            source: list,
            target: list.getAttribute("data-card"),
            swap: "outerHTML",
            values: { order: ids.join(",") },
          });
        },
      });
    });
  }

  /* ------------------------------------------------------------ start */
  function init(root) {
    paint(root);
    enhanceSelects(root);
    drawCharts(root);
    sortableStages(root);
  }

  function start() {
    if (window.htmx) window.htmx.onLoad(init);
    else init(document);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
