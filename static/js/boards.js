/* MONA × SPARK — the shared live board (core.boards): one wiring for every board (CRM pipelines, Kanban…).
 *
 * Markup (core/templates/boards/board.html):
 *   [data-board]            data-move-url, data-stats-url, data-cards-url, data-refresh-url, data-board-query,
 *                           data-board-filters (JSON conditions), data-board-known (every card id of the board),
 *                           data-board-editable ("true" when the user may move cards)
 *   [data-board-column=id]  data-version (order version), data-count, data-color, data-board-prompt (JSON)
 *   [data-board-cards]      the sortable list (data-column=id);  [data-card=id] a card (data-f-* filter attributes)
 *   data-board-lane=key     swimlanes: the columns hold only their header; each lane row has one list per column
 *                           ([data-board-cards][data-column][data-lane]) and cards carry data-lane-<key>; a drag
 *                           stays in its lane, live orders are dealt into the lanes by that attribute
 *
 * Moves are optimistic: the card moves at once, then POST {card, column, after, before, ...extra}; on an error
 * the server's message is shown and the board is fetched again. Live frames (app.js turns JSON frames into
 * `ms:live` events) carry, per column, its version and complete order: a column is redrawn only from a newer
 * version, so every page ends with the server's order whatever the arrival order of the frames.
 */
(function () {
  "use strict";

  const _ = (s) => (typeof window.gettext === "function" ? window.gettext(s) : s);
  const fmt = (s, args) => (typeof window.interpolate === "function" ? window.interpolate(_(s), args) : s.replace("%s", args[0]));
  const COLOR = /^#[0-9a-fA-F]{3,8}$/;
  const REFRESH_DELAY = 150;
  const STATS_DELAY = 100;

  function lang() {
    return (document.documentElement.lang || "en").toLowerCase();
  }

  function pick(byLanguage) {
    if (!byLanguage || typeof byLanguage === "string") return byLanguage || "";
    const code = lang();
    return byLanguage[code] || byLanguage[code.split("-")[0]] || Object.values(byLanguage)[0] || "";
  }

  function csrfToken() {
    try {
      const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["X-CSRFToken"]) return headers["X-CSRFToken"];
    } catch (err) {
      /* fall back to the cookie */
    }
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function toast(message, level) {
    if (window.MS && typeof window.MS.toast === "function") window.MS.toast(message, level);
  }

  function fragment(html) {
    const template = document.createElement("template");
    template.innerHTML = (html || "").trim();
    return template.content;
  }

  function paint(root) {
    // colours come from the database: set them as CSS variables (no style attribute under the CSP)
    const nodes = root.matches && root.matches("[data-color]") ? [root] : [];
    root.querySelectorAll("[data-color]").forEach((el) => nodes.push(el));
    nodes.forEach((el) => {
      const color = el.getAttribute("data-color");
      if (COLOR.test(color || "")) el.style.setProperty("--board-color", color);
    });
  }

  function announce(message) {
    const region = document.querySelector("[data-board-status]");
    if (!region) return;
    region.textContent = "";
    window.setTimeout(() => (region.textContent = message), 30);
  }

  /* ------------------------------------------------------------------ one board */
  class Board {
    constructor(el) {
      this.el = el;
      el.msBoard = this;
      this.key = el.dataset.board;
      this.id = String(el.dataset.boardId);
      this.editable = el.dataset.boardEditable === "true";
      this.query = el.dataset.boardQuery || "";
      try {
        this.filters = JSON.parse(el.dataset.boardFilters || "[]");
      } catch (err) {
        this.filters = [];
      }
      this.laneKey = el.dataset.boardLane || "";
      this.known = new Set((el.dataset.boardKnown || "").split(" ").filter(Boolean).map(Number));
      this.busy = 0; // a drag or a dialog in progress: live frames wait
      this.queue = [];
      this.sortables = [];
      this.refreshTimer = null;
      this.statsTimer = null;
      this.sentinels = new Map(); // column id -> the last card, watched to load the next ones when it shows
      this.observer =
        "IntersectionObserver" in window
          ? new IntersectionObserver((entries) => entries.forEach((entry) => entry.isIntersecting && this.autoMore(entry.target)), {
              rootMargin: "0px 0px 200px 0px",
            })
          : null;
      paint(el);
      this.columns().forEach((column) => this.updateMore(column));
      if (this.editable && window.Sortable) this.wireSortable();
      el.addEventListener("click", (e) => this.onClick(e));
    }

    get filtered() {
      return this.filters.length > 0;
    }

    columns() {
      return Array.from(this.el.querySelectorAll("[data-board-column]"));
    }

    column(id) {
      return this.el.querySelector('[data-board-column="' + String(id) + '"]');
    }

    /* The sortable lists of a column: one, or one per lane. */
    lists(column) {
      if (!this.laneKey) return [column.querySelector("[data-board-cards]")];
      return Array.from(this.el.querySelectorAll('[data-board-cards][data-column="' + column.dataset.boardColumn + '"]'));
    }

    /* The list a card of this column goes in (its lane's cell with swimlanes); null when its lane is not shown. */
    list(column, card) {
      if (!this.laneKey) return column.querySelector("[data-board-cards]");
      const lane = card ? card.getAttribute("data-lane-" + this.laneKey) || "" : null;
      const cells = this.lists(column);
      if (lane === null) return cells[0] || null;
      return cells.find((cell) => cell.dataset.lane === lane) || null;
    }

    columnOf(list) {
      if (!list) return null;
      return list.closest("[data-board-column]") || this.column(list.dataset.column);
    }

    cards(column) {
      const found = [];
      this.lists(column).forEach((list) => list && list.querySelectorAll(":scope > [data-card]").forEach((card) => found.push(card)));
      return found;
    }

    cardMap() {
      const map = new Map();
      this.el.querySelectorAll("[data-card]").forEach((card) => map.set(Number(card.dataset.card), card));
      return map;
    }

    url(base, params) {
      const query = new URLSearchParams(this.query);
      Object.entries(params || {}).forEach(([k, v]) => v !== null && v !== undefined && query.set(k, v));
      const text = query.toString();
      return base + (text ? (base.indexOf("?") >= 0 ? "&" : "?") + text : "");
    }

    matches(attrs) {
      attrs = attrs || {};
      return this.filters.every((condition) => {
        const value = attrs[condition.attr] === undefined || attrs[condition.attr] === null ? "" : String(attrs[condition.attr]);
        const values = (condition.values || []).map(String);
        switch (condition.op) {
          case "in":
            return values.indexOf(value) >= 0;
          case "any":
            return value.split(" ").filter(Boolean).some((v) => values.indexOf(v) >= 0);
          case "gte":
            return value !== "" && parseFloat(value) >= parseFloat(values[0]);
          case "lte":
            return value !== "" && parseFloat(value) <= parseFloat(values[0]);
          default:
            return true;
        }
      });
    }

    build(html) {
      const el = fragment(html).firstElementChild;
      if (el) paint(el);
      return el;
    }

    destroy() {
      if (this.observer) this.observer.disconnect();
      this.sortables.forEach((s) => s.destroy());
      this.sortables = [];
      window.clearTimeout(this.refreshTimer);
      window.clearTimeout(this.statsTimer);
    }

    /* -------------------------------------------------------------- dragging */
    wireSortable() {
      this.el.querySelectorAll("[data-board-cards]").forEach((list) => {
        // with swimlanes, one group per lane: a card changes column, never lane
        const lane = this.laneKey ? "-lane-" + (list.dataset.lane || "") : "";
        const sortable = window.Sortable.create(list, {
          group: "board-" + this.key + "-" + this.id + lane,
          draggable: "[data-card]",
          filter: "[data-board-move]",
          preventOnFilter: false,
          animation: 150,
          delay: 220,
          delayOnTouchOnly: true,
          fallbackTolerance: 4,
          ghostClass: "board-card-ghost",
          chosenClass: "board-card-chosen",
          dragClass: "board-card-drag",
          scroll: true,
          bubbleScroll: true,
          onStart: () => {
            this.busy += 1;
            this.el.classList.add("is-dragging");
          },
          onEnd: (evt) => {
            this.el.classList.remove("is-dragging");
            this.dropped(evt).finally(() => this.release());
          },
        });
        this.sortables.push(sortable);
      });
    }

    release() {
      this.busy = Math.max(0, this.busy - 1);
      if (this.busy === 0 && this.queue.length) {
        const frames = this.queue;
        this.queue = [];
        frames.forEach((data) => this.apply(data));
      }
    }

    async dropped(evt) {
      const card = evt.item;
      const from = this.columnOf(evt.from);
      const to = this.columnOf(evt.to);
      if (!card || !to || (evt.from === evt.to && evt.oldIndex === evt.newIndex)) return;
      const putBack = () => {
        card.remove();
        evt.from.insertBefore(card, evt.from.children[evt.oldIndex] || null);
        this.columns().forEach((column) => this.updateMore(column));
      };
      this.updateMore(from);
      this.updateMore(to);
      await this.move(card, to, this.anchors(card), from, putBack);
    }

    anchors(card) {
      const prev = card.previousElementSibling;
      const next = card.nextElementSibling;
      return {
        after: prev && prev.dataset.card ? Number(prev.dataset.card) : null,
        before: next && next.dataset.card ? Number(next.dataset.card) : null,
      };
    }

    /* The card element is already where the user put it; ask what the column requires, then tell the server. */
    async move(card, to, anchors, from, putBack) {
      const extra = {};
      const prompt = to !== from ? this.prompt(to) : null;
      if (prompt) {
        const value = await askPrompt(prompt, card);
        if (value === null) {
          putBack();
          return;
        }
        extra[prompt.field] = value;
      }
      card.classList.add("is-saving");
      card.setAttribute("aria-busy", "true");
      const body = Object.assign(
        { card: Number(card.dataset.card), column: Number(to.dataset.boardColumn), after: anchors.after, before: anchors.before },
        extra
      );
      let response;
      try {
        response = await fetch(this.el.dataset.moveUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: {
            "Content-Type": "application/json",
            Accept: "application/json",
            "X-CSRFToken": csrfToken(),
            "X-Requested-With": "XMLHttpRequest",
          },
          body: JSON.stringify(body),
        });
      } catch (err) {
        card.classList.remove("is-saving");
        card.removeAttribute("aria-busy");
        toast(_("You seem to be offline. The card was put back — nothing was saved."), "warning");
        putBack();
        return;
      }
      card.classList.remove("is-saving");
      card.removeAttribute("aria-busy");
      let payload = null;
      try {
        payload = await response.json();
      } catch (err) {
        payload = null;
      }
      if (response.ok && payload) {
        this.apply(payload, { own: true });
        announce(fmt("Moved to %s", [to.dataset.columnName || ""]));
        return;
      }
      toast(errorMessage(response, payload), "error");
      this.refresh(0);
    }

    prompt(column) {
      const raw = column.getAttribute("data-board-prompt");
      if (!raw) return null;
      try {
        return JSON.parse(raw);
      } catch (err) {
        return null;
      }
    }

    /* -------------------------------------------------------------- applying server state */
    receive(data) {
      if (this.busy > 0) this.queue.push(data);
      else this.apply(data);
    }

    apply(data) {
      if (!data || data.board !== this.key || String(data.board_id) !== this.id) return;
      const states = Array.isArray(data.cards) ? data.cards : data.card ? [data.card] : [];
      const incoming = new Map(states.filter((c) => !c.removed).map((c) => [Number(c.id), c]));
      const map = this.cardMap();
      const applied = new Set();
      let unknown = false;
      let needStats = false;
      (data.columns || []).forEach((state) => {
        const column = this.column(state.id);
        if (!column) {
          unknown = true; // a column this page does not have: the board's structure changed
          return;
        }
        if (Number(state.version) <= Number(column.dataset.version || 0)) return;
        column.dataset.version = state.version;
        applied.add(Number(state.id));
        if (this.reorder(column, state.order || [], incoming, map)) unknown = true;
        if (this.filtered) {
          needStats = true;
        } else {
          column.dataset.count = state.count;
          const header = column.querySelector("[data-board-header]");
          if (header && state.header) header.innerHTML = pick(state.header);
        }
      });
      incoming.forEach((card) => {
        if (!applied.has(Number(card.column))) return; // an older frame: its card may be older than what shows
        const existing = this.el.querySelector('[data-card="' + card.id + '"]');
        if (!existing || existing.classList.contains("board-card-chosen")) return;
        if (!this.matches(card.attrs)) existing.remove();
        else {
          const fresh = this.build(pick(card.html));
          if (fresh) existing.replaceWith(fresh);
        }
      });
      this.columns().forEach((column) => this.updateMore(column));
      if (unknown) this.refresh();
      if (needStats) this.refreshStats();
    }

    /* Put the column's cards in `order` (every card id of the column at that version). Returns true when the
       order names a card this page never saw (a frame went missing): the caller fetches the board again. */
    reorder(column, order, incoming, map) {
      if (this.laneKey) return this.reorderLanes(column, order, incoming, map);
      const list = this.list(column);
      const wanted = new Set(order.map(Number));
      this.cards(column).forEach((el) => {
        if (!wanted.has(Number(el.dataset.card)) && !el.classList.contains("board-card-chosen")) el.remove();
      });
      const truncated = !column.querySelector("[data-board-more]").hidden;
      let lastPresent = -1;
      order.forEach((id, index) => {
        if (map.has(Number(id))) lastPresent = index;
      });
      let unknown = false;
      let previous = null;
      order.forEach((rawId, index) => {
        const id = Number(rawId);
        let el = map.get(id);
        if (!el || !el.isConnected) {
          const card = incoming.get(id);
          if (!card) {
            if (!this.known.has(id)) unknown = true;
            return;
          }
          this.known.add(id);
          if (!this.matches(card.attrs) || (truncated && index > lastPresent)) return;
          el = this.build(pick(card.html));
          if (!el) return;
          map.set(id, el);
        }
        this.known.add(id);
        if (previous) {
          if (previous.nextElementSibling !== el) previous.after(el);
        } else if (list.firstElementChild !== el) {
          list.prepend(el);
        }
        previous = el;
      });
      return unknown;
    }

    /* Swimlanes: the column's order dealt into its lane cells by each card's data-lane-<key>. A card whose lane
       is not on the page (a new assignee) makes the page fetch the board again (returns true). */
    reorderLanes(column, order, incoming, map) {
      const wanted = new Set(order.map(Number));
      this.cards(column).forEach((el) => {
        if (!wanted.has(Number(el.dataset.card)) && !el.classList.contains("board-card-chosen")) el.remove();
      });
      let unknown = false;
      const previous = new Map(); // cell -> last card placed
      order.forEach((rawId) => {
        const id = Number(rawId);
        let el = map.get(id);
        const card = incoming.get(id);
        if (card) {
          // its lane may have changed (a new first assignee): build it afresh from the frame
          this.known.add(id);
          if (!this.matches(card.attrs)) {
            if (el) el.remove();
            return;
          }
          const fresh = this.build(pick(card.html));
          if (!fresh) return;
          if (el && el.classList.contains("board-card-chosen")) return;
          if (el) el.remove();
          el = fresh;
          map.set(id, el);
        } else if (!el || !el.isConnected) {
          if (!this.known.has(id)) unknown = true;
          return;
        }
        const cell = this.list(column, el);
        if (!cell) {
          unknown = true;
          return;
        }
        const last = previous.get(cell);
        if (last) {
          if (last.nextElementSibling !== el) last.after(el);
        } else if (cell.firstElementChild !== el) {
          cell.prepend(el);
        }
        previous.set(cell, el);
      });
      return unknown;
    }

    updateMore(column) {
      if (!column) return;
      const button = column.querySelector("[data-board-more]");
      const cards = this.cards(column);
      const count = Number(column.dataset.count || 0);
      const more = !this.laneKey && count > cards.length; // swimlanes show up to the page's limit, no "more"
      if (button) button.hidden = !more;
      column.classList.toggle("is-empty", cards.length === 0);
      if (!this.observer) return;
      const id = column.dataset.boardColumn;
      const previous = this.sentinels.get(id);
      const last = more ? cards[cards.length - 1] : null;
      if (previous && previous !== last) this.observer.unobserve(previous);
      if (last && previous !== last) this.observer.observe(last);
      if (last) this.sentinels.set(id, last);
      else this.sentinels.delete(id);
    }

    /* The last card of a column came into view: load the next ones, as if "Show more" was pressed. */
    autoMore(card) {
      const column = this.columnOf(card.parentElement);
      const button = column && column.querySelector("[data-board-more]");
      if (!button || button.hidden || button.disabled || this.busy > 0) return;
      this.showMore(column, button);
    }

    refresh(delay) {
      window.clearTimeout(this.refreshTimer);
      this.refreshTimer = window.setTimeout(() => this.refreshNow(), delay === undefined ? REFRESH_DELAY : delay);
    }

    async refreshNow() {
      if (this.busy > 0) {
        this.refresh(400);
        return;
      }
      const url = this.el.dataset.refreshUrl || window.location.href;
      let html;
      try {
        const response = await fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true", Accept: "text/html" } });
        if (!response.ok) return;
        html = await response.text();
      } catch (err) {
        return; // offline: the live socket's resync brings the board back when it reconnects
      }
      const fresh = fragment(html).querySelector("[data-board]");
      if (!fresh || !this.el.isConnected) return;
      const scroller = this.el.querySelector(".board-columns");
      const left = scroller ? scroller.scrollLeft : 0;
      const tops = new Map(this.columns().map((c) => [c.dataset.boardColumn, (this.list(c) || {}).scrollTop || 0]));
      const focused = document.activeElement && this.el.contains(document.activeElement) ? document.activeElement.closest("[data-card]") : null;
      this.destroy();
      this.el.replaceWith(fresh);
      const board = new Board(fresh);
      const newScroller = fresh.querySelector(".board-columns");
      if (newScroller) newScroller.scrollLeft = left;
      board.columns().forEach((c) => {
        const top = tops.get(c.dataset.boardColumn);
        if (top && board.list(c)) board.list(c).scrollTop = top;
      });
      if (focused) {
        const again = fresh.querySelector('[data-card="' + focused.dataset.card + '"] [data-board-move]');
        if (again) again.focus();
      }
      if (window.htmx) window.htmx.process(fresh);
    }

    refreshStats() {
      window.clearTimeout(this.statsTimer);
      this.statsTimer = window.setTimeout(async () => {
        try {
          const response = await fetch(this.url(this.el.dataset.statsUrl), { credentials: "same-origin", headers: { Accept: "application/json" } });
          if (!response.ok) return;
          const payload = await response.json();
          (payload.columns || []).forEach((row) => {
            const column = this.column(row.id);
            if (!column) return;
            column.dataset.count = row.count;
            const header = column.querySelector("[data-board-header]");
            if (header) header.innerHTML = row.header;
            this.updateMore(column);
          });
        } catch (err) {
          /* headers stay as they are until the next change */
        }
      }, STATS_DELAY);
    }

    /* -------------------------------------------------------------- clicks: show more, the move menu */
    onClick(e) {
      const more = e.target.closest("[data-board-more]");
      if (more && this.el.contains(more)) {
        e.preventDefault();
        this.showMore(more.closest("[data-board-column]"), more);
        return;
      }
      const moveButton = e.target.closest("[data-board-move]");
      if (moveButton && this.el.contains(moveButton)) {
        e.preventDefault();
        e.stopPropagation();
        openMenu(this, moveButton);
      }
    }

    async showMore(column, button) {
      const cards = this.cards(column);
      const last = cards[cards.length - 1];
      button.disabled = true;
      try {
        const response = await fetch(
          this.url(this.el.dataset.cardsUrl, {
            column: column.dataset.boardColumn,
            after: last ? last.dataset.card : null,
            offset: cards.length,
          }),
          { credentials: "same-origin", headers: { Accept: "application/json" } }
        );
        if (!response.ok) throw new Error(String(response.status));
        const payload = await response.json();
        const list = this.list(column);
        const map = this.cardMap();
        (payload.cards || []).forEach((row) => {
          this.known.add(Number(row.id));
          if (map.has(Number(row.id))) return;
          const el = this.build(row.html);
          if (el) list.appendChild(el);
        });
        if (!payload.more) column.dataset.count = String(Math.max(Number(column.dataset.count || 0), this.cards(column).length));
      } catch (err) {
        toast(_("Could not load more cards. Please retry."), "warning");
      } finally {
        button.disabled = false;
        this.updateMore(column);
      }
    }

    /* A move chosen from the menu (keyboard-friendly): move the element, then the same request as a drop. */
    menuMove(card, to, where) {
      const from = this.columnOf(card.parentElement);
      const list = this.list(to, card) || card.parentElement;
      const oldList = card.parentElement;
      const oldNext = card.nextElementSibling;
      const putBack = () => {
        oldList.insertBefore(card, oldNext && oldNext.parentElement === oldList ? oldNext : null);
        this.columns().forEach((column) => this.updateMore(column));
      };
      if (where === "up" && card.previousElementSibling) card.previousElementSibling.before(card);
      else if (where === "down" && card.nextElementSibling) card.nextElementSibling.after(card);
      else if (where === "top") list.prepend(card);
      else if (where === "bottom") list.appendChild(card);
      this.updateMore(from);
      this.updateMore(to);
      this.busy += 1;
      const button = card.querySelector("[data-board-move]");
      this.move(card, to, this.anchors(card), from, putBack).finally(() => {
        this.release();
        const again = this.el.querySelector('[data-card="' + card.dataset.card + '"] [data-board-move]');
        if (again) again.focus();
        else if (button && button.isConnected) button.focus();
      });
    }
  }

  function errorMessage(response, payload) {
    const error = payload && payload.error;
    if (error) {
      const fields = error.fields || {};
      const first = Object.keys(fields).map((k) => fields[k] && fields[k][0]).filter(Boolean)[0];
      if (error.code === "invalid" && first) return first;
      if (error.message) return error.message;
    }
    if (response.status === 403 && response.headers.get("X-CSRF-Failure")) {
      return _("This page has expired. Reload it, then try again — nothing was saved.");
    }
    if (response.status === 403) return _("You are not allowed to do that.");
    if (response.status === 429) return _("Too many requests — wait a moment, then retry.");
    return _("The card could not be moved; the board has been refreshed.");
  }

  /* ------------------------------------------------------------------ the dialog a column may ask for */
  function askPrompt(prompt, card) {
    const modalEl = document.getElementById("board-prompt");
    if (!modalEl || !window.bootstrap) {
      const value = window.prompt(prompt.title || "");
      return Promise.resolve(value && value.trim() ? value.trim() : null);
    }
    const form = modalEl.querySelector("[data-board-prompt-form]");
    const input = modalEl.querySelector("textarea");
    modalEl.querySelector("[data-board-prompt-title]").textContent = prompt.title || "";
    modalEl.querySelector("[data-board-prompt-label]").textContent = prompt.label || "";
    modalEl.querySelector("[data-board-prompt-help]").textContent = prompt.help || "";
    modalEl.querySelector("[data-board-prompt-submit]").textContent = prompt.submit || _("Save");
    const title = card.querySelector("h3, .board-card-title");
    modalEl.querySelector("[data-board-prompt-card]").textContent = title ? title.textContent.trim() : "";
    input.value = "";
    input.placeholder = prompt.placeholder || "";
    input.required = !!prompt.required;
    input.classList.remove("is-invalid");
    const modal = window.bootstrap.Modal.getOrCreateInstance(modalEl);
    return new Promise((resolve) => {
      let answer = null;
      const onSubmit = (e) => {
        e.preventDefault();
        const value = input.value.trim();
        if (prompt.required && !value) {
          input.classList.add("is-invalid");
          input.focus();
          return;
        }
        answer = value;
        modal.hide();
      };
      const onShown = () => input.focus();
      const onHidden = () => {
        form.removeEventListener("submit", onSubmit);
        modalEl.removeEventListener("shown.bs.modal", onShown);
        resolve(answer);
      };
      form.addEventListener("submit", onSubmit);
      modalEl.addEventListener("shown.bs.modal", onShown, { once: true });
      modalEl.addEventListener("hidden.bs.modal", onHidden, { once: true });
      modal.show();
    });
  }

  /* ------------------------------------------------------------------ the "Move to…" menu */
  let openedMenu = null;

  function closeMenu(focusButton) {
    if (!openedMenu) return;
    const { menu, button } = openedMenu;
    openedMenu = null;
    menu.remove();
    button.setAttribute("aria-expanded", "false");
    if (focusButton && button.isConnected) button.focus();
  }

  function menuItem(label, icon, onPick, disabled) {
    const item = document.createElement("button");
    item.type = "button";
    item.className = "dropdown-item";
    item.setAttribute("role", "menuitem");
    if (icon) {
      const i = document.createElement("i");
      i.className = "bi bi-" + icon;
      i.setAttribute("aria-hidden", "true");
      item.appendChild(i);
    }
    item.appendChild(document.createTextNode(label));
    if (disabled) {
      item.disabled = true;
      item.setAttribute("aria-disabled", "true");
    }
    item.addEventListener("click", (e) => {
      e.preventDefault();
      closeMenu(false);
      onPick();
    });
    return item;
  }

  function openMenu(board, button) {
    if (openedMenu && openedMenu.button === button) {
      closeMenu(true);
      return;
    }
    closeMenu(false);
    const card = button.closest("[data-card]");
    const here = board.columnOf(card.parentElement);
    const menu = document.createElement("div");
    menu.className = "dropdown-menu show board-move-menu";
    menu.setAttribute("role", "menu");
    menu.setAttribute("aria-label", button.getAttribute("aria-label") || _("Move"));
    menu.appendChild(menuItem(_("Move up"), "arrow-up", () => board.menuMove(card, here, "up"), !card.previousElementSibling));
    menu.appendChild(menuItem(_("Move down"), "arrow-down", () => board.menuMove(card, here, "down"), !card.nextElementSibling));
    const header = document.createElement("h6");
    header.className = "dropdown-header";
    header.textContent = _("Move to");
    menu.appendChild(document.createElement("hr")).className = "dropdown-divider";
    menu.appendChild(header);
    board.columns().forEach((column) => {
      const same = column === here;
      const label = column.dataset.columnName || "";
      const item = menuItem(label, same ? "check2" : "arrow-right-short", () => board.menuMove(card, column, "top"), same);
      if (same) item.setAttribute("aria-current", "true");
      menu.appendChild(item);
    });
    document.body.appendChild(menu);
    const rect = button.getBoundingClientRect();
    const width = menu.offsetWidth;
    const height = menu.offsetHeight;
    const left = Math.max(8, Math.min(rect.right - width, window.innerWidth - width - 8));
    const below = rect.bottom + 4 + height <= window.innerHeight - 8;
    const top = below ? rect.bottom + 4 : Math.max(8, rect.top - height - 4);
    menu.style.setProperty("left", left + "px");
    menu.style.setProperty("top", top + "px");
    button.setAttribute("aria-expanded", "true");
    openedMenu = { menu, button };
    const first = menu.querySelector(".dropdown-item:not([disabled])");
    if (first) first.focus();
  }

  document.addEventListener("keydown", (e) => {
    if (!openedMenu) return;
    const items = Array.from(openedMenu.menu.querySelectorAll(".dropdown-item:not([disabled])"));
    const index = items.indexOf(document.activeElement);
    if (e.key === "Escape") {
      e.preventDefault();
      closeMenu(true);
    } else if (e.key === "ArrowDown") {
      e.preventDefault();
      items[(index + 1) % items.length].focus();
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      items[(index - 1 + items.length) % items.length].focus();
    } else if (e.key === "Home") {
      e.preventDefault();
      items[0].focus();
    } else if (e.key === "End") {
      e.preventDefault();
      items[items.length - 1].focus();
    } else if (e.key === "Tab") {
      closeMenu(false);
    }
  });
  document.addEventListener("click", (e) => {
    if (openedMenu && !openedMenu.menu.contains(e.target) && e.target.closest("[data-board-move]") !== openedMenu.button) closeMenu(false);
  });
  window.addEventListener("resize", () => closeMenu(false));
  document.addEventListener("scroll", () => closeMenu(false), true);

  /* ------------------------------------------------------------------ start, live frames */
  function boards() {
    return Array.from(document.querySelectorAll("[data-board]"))
      .map((el) => el.msBoard)
      .filter(Boolean);
  }

  function init(root) {
    const scope = root && root.querySelectorAll ? root : document;
    const found = scope.matches && scope.matches("[data-board]") ? [scope] : Array.from(scope.querySelectorAll("[data-board]"));
    found.forEach((el) => {
      if (!el.msBoard) new Board(el);
    });
  }

  document.addEventListener("ms:live", (e) => {
    const detail = e.detail || {};
    const data = detail.data || {};
    boards().forEach((board) => {
      if (data.board !== board.key || String(data.board_id) !== board.id) return;
      if (detail.event === "board.changed") board.receive(data);
      else if (detail.event === "board.reload") board.refresh();
      else if (detail.event === "board.resync") {
        const versions = data.versions || {};
        const ids = Object.keys(versions).sort().join(",");
        const mine = board.columns().map((c) => c.dataset.boardColumn).sort().join(",");
        const stale = ids !== mine || board.columns().some((c) => String(versions[c.dataset.boardColumn]) !== String(c.dataset.version));
        if (stale) board.refresh(0);
      }
    });
  });

  // filter forms ([data-board-filters-form]) leave their empty fields out of the URL they push
  document.addEventListener("htmx:configRequest", (e) => {
    const detail = e.detail || {};
    const form = detail.elt && detail.elt.closest ? detail.elt.closest("[data-board-filters-form]") : null;
    const data = detail.formData;
    if (!form || detail.verb !== "get" || !data || typeof data.keys !== "function") return;
    Array.from(new Set(data.keys())).forEach((key) => {
      if (data.getAll(key).every((value) => value === "")) data.delete(key);
    });
  });

  // htmx swaps a filtered board in (and the first page load): wire every new board
  document.addEventListener("htmx:load", (e) => init(e.detail && e.detail.elt));
  document.addEventListener("htmx:beforeSwap", (e) => {
    const target = e.detail && e.detail.target;
    if (!target) return;
    boards().forEach((board) => {
      if (target.contains(board.el)) board.destroy();
    });
  });

  window.MS = window.MS || {};
  window.MS.boards = { init: init, all: boards };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => init(document));
  else init(document);
})();
