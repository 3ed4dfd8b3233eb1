/* Planning — the one calendar (planning/templates/planning/calendar/page.html). FullCalendar 6 (vendored
 * standard bundle) configured from the json_script "calendar-config"; no inline script or style (FullCalendar's
 * own <style> gets the CSP nonce from <meta name="csp-nonce">).
 *
 * Time zones: FullCalendar runs with timeZone = the viewer's zone name and no time-zone plugin, so it keeps the
 * wall-clock strings the feed sends as they are ("coercion") and sends ranges and drops back the same way; the
 * server reads them in the viewer's zone. "now" (today, the now line) is computed in that zone with Intl, so the
 * calendar is right whatever the browser's own zone.
 *
 * Filters (sources, type, artist, person) live in the URL with the view and the date. Drags and resizes POST to
 * the move endpoint; a refusal undoes the drag and says why; double bookings come back as warnings. Selecting a
 * range opens EVENTS' form in a modal; tasks open TASKS' side panel. Live: "calendar.changed" frames on the
 * planning.calendar group make every open calendar refetch (debounced).
 */
(function () {
  "use strict";

  const REFETCH_DELAY = 100;
  const NARROW = "(max-width: 767.98px)";
  const COLOR = /^#[0-9a-fA-F]{3,8}$/;

  function toast(message, level) {
    if (window.MS && typeof window.MS.toast === "function") window.MS.toast(message, level);
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

  /* The current wall-clock time in `zone`, as FullCalendar reads a date without an offset. */
  function nowIn(zone) {
    try {
      const parts = {};
      new Intl.DateTimeFormat("en-GB", {
        timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit",
      }).formatToParts(new Date()).forEach((p) => { parts[p.type] = p.value; });
      return parts.year + "-" + parts.month + "-" + parts.day + "T" + parts.hour + ":" + parts.minute + ":" + parts.second;
    } catch (err) {
      return new Date();
    }
  }

  /* An item's source and its id within it, from its feed id "<source>:<item id>" (the feed is lean: it sends
   * no copy of them in extendedProps; an item that carries them anyway is read as it says). */
  function ref(event) {
    const props = event.extendedProps || {};
    if (props.source) return { source: props.source, itemId: String(props.itemId) };
    const id = String(event.id || "");
    const at = id.indexOf(":");
    return { source: id.slice(0, at), itemId: id.slice(at + 1) };
  }

  function paintSwatches(root) {
    root.querySelectorAll(".calendar-swatch[data-color]").forEach((el) => {
      if (COLOR.test(el.dataset.color)) el.style.backgroundColor = el.dataset.color;
    });
  }

  function start() {
    const el = document.getElementById("planning-calendar");
    const configEl = document.getElementById("calendar-config");
    if (!el || !configEl || !window.FullCalendar) return;
    const config = JSON.parse(configEl.textContent);
    const texts = config.texts || {};
    const form = document.getElementById("calendar-filters");
    const narrow = window.matchMedia(NARROW);
    paintSwatches(document);

    /* ---------------------------------------------------------------- filters <-> URL */
    function filterParams() {
      const params = {};
      if (!form) return params;
      const boxes = Array.from(form.querySelectorAll('input[name="sources"]'));
      params.sources = boxes.filter((b) => b.checked).map((b) => b.value).join(",");
      ["kind", "artist", "member"].forEach((name) => {
        const field = form.elements[name];
        if (field && field.value) params[name] = field.value;
      });
      return params;
    }

    function rememberInUrl() {
      const url = new URL(window.location.href);
      const params = filterParams();
      ["sources", "kind", "artist", "member"].forEach((name) => url.searchParams.delete(name));
      const boxes = form ? form.querySelectorAll('input[name="sources"]') : [];
      const allOn = Array.from(boxes).every((b) => b.checked);
      Object.keys(params).forEach((name) => {
        if (name === "sources" && allOn) return; // the default: every source
        url.searchParams.set(name, params[name]);
      });
      if (calendar) {
        url.searchParams.set("view", calendar.view.type);
        url.searchParams.set("date", calendar.getDate().toISOString().slice(0, 10));
      }
      window.history.replaceState(window.history.state, "", url.pathname + url.search);
    }

    /* ---------------------------------------------------------------- toolbars */
    function toolbars() {
      if (narrow.matches) {
        return {
          headerToolbar: { left: "prev,next", center: "title", right: "today" },
          footerToolbar: { center: "listWeek,timeGridDay,dayGridMonth" },
        };
      }
      return {
        headerToolbar: { left: "prev,next today", center: "title", right: "dayGridMonth,timeGridWeek,timeGridDay,listWeek" },
        footerToolbar: false,
      };
    }

    /* ---------------------------------------------------------------- saving a drag or a resize */
    function askScope(title) {
      const dialog = document.getElementById("calendar-scope");
      return new Promise((resolve) => {
        if (!dialog || !window.bootstrap) return resolve("series");
        dialog.querySelector("[data-calendar-scope-title]").textContent = title;
        const modal = window.bootstrap.Modal.getOrCreateInstance(dialog);
        let answer = "cancel";
        const onClick = (e) => {
          const button = e.target.closest("[data-calendar-scope]");
          if (!button) return;
          answer = button.dataset.calendarScope;
          modal.hide();
        };
        dialog.addEventListener("click", onClick);
        dialog.addEventListener("hidden.bs.modal", () => {
          dialog.removeEventListener("click", onClick);
          resolve(answer);
        }, { once: true });
        modal.show();
      });
    }

    async function save(info) {
      const event = info.event;
      const props = event.extendedProps || {};
      const item = ref(event);
      let scope = "";
      if (item.source === "events" && props.recurring) {
        scope = await askScope(event.title);
        if (scope === "cancel") {
          info.revert();
          return;
        }
      }
      const body = {
        source: item.source,
        id: item.itemId,
        start: event.startStr,
        end: event.endStr || null,
        all_day: event.allDay,
        scope: scope,
      };
      let response = null;
      let data = {};
      try {
        response = await fetch(config.moveUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
          body: JSON.stringify(body),
        });
        data = await response.json().catch(() => ({}));
      } catch (err) {
        info.revert();
        toast(texts.failed, "error");
        return;
      }
      if (!response.ok) {
        info.revert();
        if (response.status === 403) toast(data.error || texts.forbidden, "error");
        else if (response.status === 404) {
          toast(data.error || texts.gone, "error");
          refetch(0);
        } else toast(data.error || texts.failed, "error");
        return;
      }
      (data.warnings || []).forEach((message) => toast(message, "warning"));
      refetch(0); // the server's version (a moved occurrence becomes its own event)
    }

    /* ---------------------------------------------------------------- creating from a selection */
    const modalEl = document.getElementById("calendar-modal");
    const modalBody = document.getElementById("calendar-modal-body");

    function openCreate(params) {
      if (!config.createUrl || !modalEl || !window.htmx || !window.bootstrap) return;
      const url = new URL(config.createUrl, window.location.origin);
      Object.keys(params || {}).forEach((key) => url.searchParams.set(key, params[key]));
      const loading = modalBody.firstElementChild ? modalBody.innerHTML : "";
      modalBody.dataset.loading = loading;
      window.bootstrap.Modal.getOrCreateInstance(modalEl).show();
      window.htmx.ajax("GET", url.pathname + url.search, { target: "#calendar-modal-body", swap: "innerHTML" });
    }

    if (modalEl) {
      // a form of the modal without its own htmx wiring is posted with htmx into the modal
      modalBody.addEventListener("submit", (e) => {
        const formEl = e.target;
        if (!window.htmx || formEl.closest("[hx-post],[data-hx-post]")) return;
        e.preventDefault();
        window.htmx.ajax("POST", formEl.getAttribute("action") || config.createUrl, {
          source: formEl, target: "#calendar-modal-body", swap: "innerHTML",
        });
      });
      // saved: the answer redirects (HX-Redirect, a followed 302) or is empty; close, refetch, say so
      modalEl.addEventListener("htmx:beforeOnLoad", (e) => {
        const xhr = e.detail && e.detail.xhr;
        if (!xhr || (e.detail.requestConfig && e.detail.requestConfig.verb === "get")) return;
        const redirected = xhr.getResponseHeader("HX-Redirect") || xhr.getResponseHeader("HX-Location") || xhr.status === 204;
        let elsewhere = false;
        try {
          const target = new URL(config.createUrl, window.location.origin);
          elsewhere = xhr.responseURL && new URL(xhr.responseURL).pathname !== target.pathname && !/\/new\/?$/.test(new URL(xhr.responseURL).pathname);
        } catch (err) {
          elsewhere = false;
        }
        if (xhr.status >= 200 && xhr.status < 300 && (redirected || elsewhere)) {
          e.preventDefault();
          window.bootstrap.Modal.getOrCreateInstance(modalEl).hide();
          toast(texts.created, "success");
          refetch(0);
        }
      });
      modalEl.addEventListener("hidden.bs.modal", () => {
        if (calendar) calendar.unselect();
        if (modalBody.dataset.loading) modalBody.innerHTML = modalBody.dataset.loading;
      });
    }
    // EVENTS' form, saved from the modal, answers with HX-Trigger "planning-event-saved"
    document.body.addEventListener("planning-event-saved", () => {
      if (modalEl && modalEl.classList.contains("show")) {
        window.bootstrap.Modal.getOrCreateInstance(modalEl).hide();
        toast(texts.created, "success");
      }
      refetch(0);
    });

    const newButton = document.querySelector("[data-calendar-new]");
    if (newButton) newButton.addEventListener("click", () => openCreate({}));

    /* ---------------------------------------------------------------- a task's side panel */
    const panelEl = document.getElementById("task-panel");
    function openPanel(url, id) {
      if (!panelEl || !window.htmx || !window.bootstrap) return false;
      const body = document.getElementById("task-panel-body");
      body.replaceChildren();
      panelEl.setAttribute("data-task", String(id));
      window.htmx.ajax("GET", url, { target: body, swap: "innerHTML" });
      window.bootstrap.Offcanvas.getOrCreateInstance(panelEl).show();
      return true;
    }
    if (panelEl) panelEl.addEventListener("hidden.bs.offcanvas", () => panelEl.removeAttribute("data-task"));

    /* ---------------------------------------------------------------- the calendar */
    const locale = {
      code: config.locale,
      week: { dow: config.firstDay, doy: config.firstDay === 1 ? 4 : 6 },
      buttonText: texts.buttonText,
      allDayText: texts.allDayText,
      moreLinkText: texts.moreLinkText,
      noEventsText: texts.noEventsText,
      weekText: texts.weekText,
    };

    // month and list grow with their content; the week and the day scroll inside a fixed height (from 08:00)
    function heightFor(viewType) {
      return viewType.indexOf("timeGrid") === 0 ? (narrow.matches ? 600 : 700) : "auto";
    }
    const initialView = config.initialView || (narrow.matches ? "listWeek" : "dayGridMonth");

    let calendar = null;
    calendar = new window.FullCalendar.Calendar(el, Object.assign({
      locale: locale,
      firstDay: config.firstDay,
      timeZone: config.timeZone,
      now: () => nowIn(config.timeZone),
      initialView: initialView,
      initialDate: config.initialDate || undefined,
      height: heightFor(initialView),
      scrollTime: "08:00:00",
      eventDisplay: "block", // coloured bars in the month too (the list view has its own rows)
      slotEventOverlap: false,
      viewDidMount: (arg) => {
        const want = heightFor(arg.view.type);
        if (calendar && calendar.getOption("height") !== want) calendar.setOption("height", want);
      },
      nowIndicator: true,
      navLinks: true,
      dayMaxEvents: true,
      eventTimeFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
      slotLabelFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
      // an item the viewer may move says so ("editable": true, with "durationEditable": false when only its
      // start moves); the rest, most of a Viewer's month, says nothing
      editable: false,
      selectable: !!(config.canCreate && config.createUrl),
      selectMirror: true,
      eventSources: [{
        id: "planning",
        url: config.feedUrl,
        extraParams: filterParams,
        failure: () => toast(texts.loadFailed, "error"),
      }],
      loading: (busy) => el.setAttribute("aria-busy", busy ? "true" : "false"),
      datesSet: rememberInUrl,
      eventDrop: save,
      eventResize: save,
      select: (info) => openCreate({ start: info.startStr, end: info.endStr, all_day: info.allDay ? "1" : "0" }),
      eventClick: (info) => {
        const item = ref(info.event);
        if (item.source === "tasks" && info.event.url) {
          if (openPanel(info.event.url, item.itemId)) info.jsEvent.preventDefault();
        }
      },
      eventDidMount: (info) => {
        const props = info.event.extendedProps || {};
        const bits = [info.event.title];
        if (props.kindLabel) bits.push(props.kindLabel + (props.statusLabel && props.status !== "confirmed" ? " · " + props.statusLabel : ""));
        if (props.board) bits.push(props.board + (props.column ? " · " + props.column : ""));
        if (props.venue) bits.push(props.venue);
        if (props.artists && props.artists.length) bits.push(props.artists.join(", "));
        if (props.people && props.people.length) bits.push(props.people.join(", "));
        info.el.setAttribute("title", bits.join("\n"));
        const item = ref(info.event);
        info.el.dataset.calendarItem = item.source + ":" + item.itemId;
      },
    }, toolbars()));
    calendar.render();
    window.planningCalendar = calendar; // for tests and the console

    narrow.addEventListener("change", () => {
      const bars = toolbars();
      calendar.setOption("headerToolbar", bars.headerToolbar);
      calendar.setOption("footerToolbar", bars.footerToolbar);
    });

    if (form) {
      form.addEventListener("change", () => {
        rememberInUrl();
        refetch(0);
      });
      form.addEventListener("submit", (e) => e.preventDefault());
    }

    /* ---------------------------------------------------------------- live */
    let timer = null;
    function refetch(delay) {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => calendar.refetchEvents(), delay === undefined ? REFETCH_DELAY : delay);
    }
    document.addEventListener("ms:live", (e) => {
      if (e.detail && e.detail.event === "calendar.changed") refetch(REFETCH_DELAY);
    });
    let opened = false;
    document.addEventListener("htmx:wsOpen", () => {
      if (opened) refetch(0); // back after an outage: catch up with what was missed
      opened = true;
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
