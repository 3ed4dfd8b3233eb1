/* MONA × SPARK — shell behaviour. Loaded with defer after htmx, htmx-ext-ws, Bootstrap and the Django
 * JavaScript catalog (/jsi18n/). No inline JavaScript anywhere: pages add their own files via block extra_js.
 *
 * Public API (window.MS):
 *   MS.toast(message, level)   level: info | success | warning | error  — shows a toast in #toasts
 *   MS.showToasts(root)        shows every .toast not shown yet under root (called for you after swaps)
 *   MS.refreshUnread()         re-reads #notif-count (hides it at 0, updates the document title)
 */
(function () {
  "use strict";

  const TOAST_DELAY = 6000;
  const _ = (s) => (typeof window.gettext === "function" ? window.gettext(s) : s);
  const MS = (window.MS = window.MS || {});

  /* ------------------------------------------------------------ toasts */
  const ICONS = {
    success: "bi-check-circle-fill",
    warning: "bi-exclamation-triangle-fill",
    error: "bi-x-octagon-fill",
    danger: "bi-x-octagon-fill",
    info: "bi-info-circle-fill",
    debug: "bi-info-circle-fill",
  };

  function toastContainer() {
    let box = document.getElementById("toasts");
    if (!box) {
      box = document.createElement("div");
      box.id = "toasts";
      box.className = "toast-container position-fixed bottom-0 end-0 p-3";
      box.setAttribute("aria-live", "polite");
      document.body.appendChild(box);
    }
    return box;
  }

  function showToast(el) {
    if (el.dataset.msShown || !window.bootstrap) return;
    el.dataset.msShown = "1";
    const autohide = el.dataset.bsAutohide !== "false";
    const toast = window.bootstrap.Toast.getOrCreateInstance(el, { delay: TOAST_DELAY, autohide: autohide });
    el.addEventListener("hidden.bs.toast", () => el.remove(), { once: true });
    toast.show();
  }

  MS.showToasts = function (root) {
    const scope = root && root.querySelectorAll ? root : document;
    const found = scope.matches && scope.matches(".toast") ? [scope] : scope.querySelectorAll("#toasts .toast, .toast-container .toast");
    found.forEach(showToast);
  };

  MS.toast = function (message, level) {
    const lvl = ICONS[level] ? (level === "danger" ? "error" : level) : "info";
    const el = document.createElement("div");
    el.className = "toast ms-toast toast-" + lvl;
    el.setAttribute("role", lvl === "error" ? "alert" : "status");
    el.setAttribute("aria-atomic", "true");
    const inner = document.createElement("div");
    inner.className = "ms-toast-inner";
    const icon = document.createElement("span");
    icon.className = "ms-toast-icon";
    icon.setAttribute("aria-hidden", "true");
    const i = document.createElement("i");
    i.className = "bi " + ICONS[lvl];
    icon.appendChild(i);
    const body = document.createElement("div");
    body.className = "toast-body";
    const text = document.createElement("div");
    text.className = "ms-toast-text";
    text.textContent = String(message);
    body.appendChild(text);
    const close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "toast");
    close.setAttribute("aria-label", _("Close"));
    inner.append(icon, body, close);
    el.appendChild(inner);
    toastContainer().appendChild(el);
    showToast(el);
    return el;
  };

  /* ------------------------------------------------------------ live socket reconnection */
  // htmx-ext-ws doubles its wait after each failed attempt up to 64 s; cap it at 10 s (with jitter, so a
  // restarted server is not hit by every page at once) so a page comes back soon after a long outage.
  if (window.htmx) {
    window.htmx.config.wsReconnectDelay = function (retryCount) {
      const ceiling = Math.min(10000, 500 * Math.pow(2, retryCount));
      return ceiling / 2 + Math.random() * (ceiling / 2);
    };
  }

  /* ------------------------------------------------------------ unread count + document title */
  let baseTitle = document.title.replace(/^\(\d+\+?\)\s*/, "");

  MS.refreshUnread = function () {
    const badge = document.getElementById("notif-count");
    if (!badge) return;
    const text = (badge.textContent || "").trim();
    const n = /\+$/.test(text) ? 100 : parseInt(text, 10) || 0;
    badge.hidden = n <= 0;
    const label = n > 99 ? "99+" : String(n);
    if (badge.textContent.trim() !== label && n > 0) badge.textContent = label;
    document.title = (n > 0 ? "(" + label + ") " : "") + baseTitle;
    // other places that show the same count (the dashboard widget) follow the bell
    document.querySelectorAll("[data-unread-mirror]").forEach((el) => {
      el.hidden = n <= 0;
      el.textContent = label;
    });
  };

  /* ------------------------------------------------------------ live connection dot */
  function setLive(state) {
    const dot = document.getElementById("live-status");
    if (!dot || dot.dataset.state === state) return;
    dot.dataset.state = state;
    const label = dot.getAttribute("data-label-" + state) || state;
    dot.title = label;
    const sr = dot.querySelector(".live-dot-label");
    if (sr) sr.textContent = label;
  }

  /* ------------------------------------------------------------ global search */
  function searchBox() {
    return document.getElementById("global-search");
  }
  function searchResults() {
    return document.getElementById("search-results");
  }
  function resultLinks() {
    const box = searchResults();
    return box ? Array.from(box.querySelectorAll("a[href]")) : [];
  }
  function openResults() {
    const box = searchResults();
    if (box) box.hidden = false;
  }
  function closeResults(clear) {
    const box = searchResults();
    if (!box) return;
    box.hidden = true;
    if (clear) box.replaceChildren();
  }
  function focusResult(index) {
    const links = resultLinks();
    if (!links.length) return;
    const i = (index + links.length) % links.length;
    links.forEach((a, k) => a.classList.toggle("active", k === i));
    links[i].focus();
  }
  function isTyping(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  document.addEventListener("keydown", (e) => {
    const input = searchBox();
    if (!input) return;
    const key = e.key;
    if ((e.ctrlKey || e.metaKey) && !e.altKey && (key === "k" || key === "K")) {
      e.preventDefault();
      input.focus();
      input.select();
      return;
    }
    if (key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(document.activeElement)) {
      e.preventDefault();
      input.focus();
      input.select();
      return;
    }
    const inSearch = document.activeElement === input;
    const box = searchResults();
    const inResults = box && box.contains(document.activeElement);
    if (!inSearch && !inResults) return;
    if (key === "Escape") {
      // first Escape closes the results, the next one clears and leaves the box
      e.preventDefault();
      const open = box && !box.hidden && box.childElementCount > 0;
      closeResults(false);
      if (open) {
        input.focus();
      } else {
        input.value = "";
        closeResults(true);
        input.blur();
      }
    } else if (key === "ArrowDown") {
      e.preventDefault();
      openResults();
      const links = resultLinks();
      focusResult(inSearch ? 0 : links.indexOf(document.activeElement) + 1);
    } else if (key === "ArrowUp" && inResults) {
      e.preventDefault();
      const i = resultLinks().indexOf(document.activeElement);
      if (i <= 0) {
        resultLinks().forEach((a) => a.classList.remove("active"));
        input.focus();
      } else {
        focusResult(i - 1);
      }
    } else if (key === "Enter" && inSearch) {
      const first = resultLinks()[0];
      if (first && !box.hidden) {
        e.preventDefault();
        first.click();
      }
    }
  });

  document.addEventListener("focusin", (e) => {
    const input = searchBox();
    if (input && e.target === input) openResults();
  });
  document.addEventListener("click", (e) => {
    const wrap = document.querySelector(".header-search");
    if (wrap && !wrap.contains(e.target)) closeResults(false);
  });
  document.addEventListener("search", (e) => {
    // the clear (x) button of <input type=search>
    if (e.target === searchBox() && !e.target.value) closeResults(true);
  }, true);

  /* ------------------------------------------------------------ htmx wiring */
  document.addEventListener("htmx:afterSwap", (e) => {
    const target = e.detail && e.detail.target;
    if (target && target.id === "search-results") {
      resultLinks().forEach((a) => a.setAttribute("tabindex", "-1"));
      if (document.activeElement === searchBox()) openResults();
    }
    MS.showToasts(document);
    MS.refreshUnread();
  });
  ["htmx:oobAfterSwap", "htmx:wsAfterMessage", "htmx:afterSettle"].forEach((name) =>
    document.addEventListener(name, () => {
      MS.showToasts(document);
      MS.refreshUnread();
    })
  );

  // The live socket also carries JSON frames ({"event": …, "data": …}) meant for scripts (live boards), not HTML
  // to swap: hand them to listeners of the document's `ms:live` event (detail: {event, data}) instead.
  document.addEventListener("htmx:wsBeforeMessage", (e) => {
    const message = e.detail && e.detail.message;
    if (typeof message !== "string" || message.charAt(0) !== "{") return;
    e.preventDefault();
    let frame = null;
    try {
      frame = JSON.parse(message);
    } catch (err) {
      return;
    }
    if (frame && frame.event) {
      document.dispatchEvent(new CustomEvent("ms:live", { detail: { event: frame.event, data: frame.data } }));
    }
  });

  document.addEventListener("htmx:wsConnecting", () => setLive("connecting"));
  document.addEventListener("htmx:wsOpen", () => setLive("connected"));
  document.addEventListener("htmx:wsClose", (e) => {
    // htmx-ext-ws reconnects by itself after 1006/1011/1012/1013; any other close (signed out, page left) is final
    const code = e.detail && e.detail.event ? e.detail.event.code : 1006;
    const retrying = [1006, 1011, 1012, 1013].indexOf(code) >= 0;
    setLive(navigator.onLine === false || !retrying ? "offline" : "reconnecting");
  });
  document.addEventListener("htmx:wsError", () => setLive(navigator.onLine === false ? "offline" : "reconnecting"));
  window.addEventListener("offline", () => setLive("offline"));
  window.addEventListener("online", () => setLive("reconnecting"));

  function loginUrl() {
    return document.body && document.body.dataset.loginUrl;
  }

  document.addEventListener("htmx:beforeSwap", (e) => {
    // A session that expired mid-page: htmx followed the redirect to the sign-in page; go there for real.
    const xhr = e.detail && e.detail.xhr;
    const login = loginUrl();
    if (xhr && login && xhr.responseURL) {
      try {
        const url = new URL(xhr.responseURL);
        if (url.origin === window.location.origin && url.pathname === login && window.location.pathname !== login) {
          e.detail.shouldSwap = false;
          window.location.assign(url.pathname + "?next=" + encodeURIComponent(window.location.pathname + window.location.search));
        }
      } catch (err) {
        /* not a URL: ignore */
      }
    }
  });

  document.addEventListener("htmx:responseError", (e) => {
    const status = e.detail && e.detail.xhr ? e.detail.xhr.status : 0;
    let message = _("Something went wrong — nothing was lost, please retry.");
    if (status === 403 && e.detail.xhr.getResponseHeader("X-CSRF-Failure")) {
      message = _("This form has expired. Reload the page, then try again — nothing was saved.");
    } else if (status === 403) message = _("You are not allowed to do that.");
    else if (status === 404) message = _("This item no longer exists. Reload the page to see the latest.");
    else if (status === 429) message = _("Too many requests — wait a moment, then retry.");
    MS.toast(message, "error");
  });
  document.addEventListener("htmx:sendError", () => {
    MS.toast(_("You seem to be offline. Check your connection, then retry — nothing was lost."), "warning");
  });
  document.addEventListener("htmx:timeout", () => {
    MS.toast(_("The server took too long to answer. Please retry."), "warning");
  });

  /* ------------------------------------------------------------ data-confirm */
  function confirmMessage(el) {
    const host = el && el.closest ? el.closest("[data-confirm]") : null;
    return host ? host.getAttribute("data-confirm") || _("Are you sure?") : null;
  }
  function isHtmxDriven(el) {
    return !!(el && el.closest && el.closest("[hx-get],[hx-post],[hx-put],[hx-patch],[hx-delete],[data-hx-get],[data-hx-post],[data-hx-put],[data-hx-patch],[data-hx-delete]"));
  }

  // htmx requests: honour data-confirm on the triggering element (or its form).
  document.addEventListener("htmx:confirm", (e) => {
    const elt = e.detail && e.detail.elt;
    if (!elt || !elt.hasAttribute || !elt.hasAttribute("data-confirm")) return;
    e.preventDefault();
    if (window.confirm(elt.getAttribute("data-confirm") || _("Are you sure?"))) e.detail.issueRequest(true);
  });

  // Plain links and buttons (not inside a data-confirm form: that one asks on submit).
  document.addEventListener("click", (e) => {
    const el = e.target.closest && e.target.closest("a[data-confirm], button[data-confirm], input[type=submit][data-confirm]");
    if (!el || isHtmxDriven(el)) return;
    if (!window.confirm(el.getAttribute("data-confirm") || _("Are you sure?"))) {
      e.preventDefault();
      e.stopImmediatePropagation();
    } else if (el.form) {
      el.form.dataset.msConfirmed = "1";
    }
  }, true);

  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (!form.matches || !form.matches("form[data-confirm]") || isHtmxDriven(form)) return;
    if (form.dataset.msConfirmed) {
      delete form.dataset.msConfirmed;
      return;
    }
    if (!window.confirm(confirmMessage(form))) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  /* ------------------------------------------------------------ small helpers */
  document.addEventListener("click", (e) => {
    const back = e.target.closest && e.target.closest("[data-history-back]");
    if (back && window.history.length > 1 && document.referrer && new URL(document.referrer).origin === window.location.origin) {
      e.preventDefault();
      window.history.back();
    }
  });

  // Phone: close the sidebar offcanvas when a link in it is followed (matters with hx-boost / same-page links).
  document.addEventListener("click", (e) => {
    const link = e.target.closest && e.target.closest("#sidebar a[href]");
    const sidebar = document.getElementById("sidebar");
    if (link && sidebar && sidebar.classList.contains("show") && window.bootstrap) {
      window.bootstrap.Offcanvas.getOrCreateInstance(sidebar).hide();
    }
  });

  /* ------------------------------------------------------------ start */
  function start() {
    baseTitle = document.title.replace(/^\(\d+\+?\)\s*/, "");
    MS.showToasts(document);
    MS.refreshUnread();
    const badge = document.getElementById("notif-count");
    const toasts = document.getElementById("toasts");
    // Anything else that changes the badge or adds a toast (live messages, other scripts).
    const observer = new MutationObserver(() => {
      MS.showToasts(document);
      MS.refreshUnread();
    });
    const watch = (badge && badge.closest(".notif-bell")) || null;
    if (watch) observer.observe(watch, { childList: true, subtree: true, characterData: true });
    if (toasts) observer.observe(toasts.parentNode || document.body, { childList: true, subtree: false });
    if (toasts) observer.observe(toasts, { childList: true });
    if (navigator.onLine === false) setLive("offline");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
