// Ronda: progressive enhancement only. Everything works without JavaScript.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Open every <details> around an element, so an in-page link never lands inside a closed section.
  function reveal(target) {
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) { node.open = true; }
    }
  }
  function revealHash() {
    if (location.hash.length < 2) { return; }
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) { reveal(target); }
  }

  // --- htmx forms: a busy state, no double submit, and nothing the user typed is ever lost. ---
  var TEXTUAL = /^(text|search|email|url|tel|number|date|datetime-local|time|month|week)$/;
  function editable(el) {
    if (!el.name || el.disabled) { return false; }
    if (el.tagName === "TEXTAREA" || el.tagName === "SELECT") { return true; }
    return el.tagName === "INPUT" && TEXTUAL.test(el.type);
  }
  function htmxVerb(form) {
    var verbs = ["hx-post", "hx-put", "hx-patch", "hx-delete"];
    for (var i = 0; i < verbs.length; i++) {
      if (form.hasAttribute(verbs[i])) { return verbs[i]; }
    }
    return null;
  }
  function sameForm(form, verb, url) {
    return form.getAttribute(verb) === url;
  }
  function prepare(root) {
    var forms = root.querySelectorAll ? root.querySelectorAll("form") : [];
    var list = Array.prototype.slice.call(forms);
    if (root.tagName === "FORM") { list.push(root); }
    list.forEach(function (form) {
      // htmx disables the submit buttons itself while the request is in flight.
      if (htmxVerb(form) && !form.hasAttribute("hx-disabled-elt")) {
        form.setAttribute("hx-disabled-elt", "find [type=submit]");
      }
    });
  }
  var inFlight = [];
  function formOf(elt) {
    if (!elt || !elt.closest) { return null; }
    var form = elt.tagName === "FORM" ? elt : elt.closest("form");
    return form && htmxVerb(form) ? form : null;
  }
  function setBusy(form, busy) {
    var label = form.querySelector(":scope .busy-label");
    if (busy) {
      form.setAttribute("aria-busy", "true");
      if (!label) {
        label = document.createElement("span");
        label.className = "busy-label";
        label.setAttribute("role", "status");
        label.textContent = document.body.getAttribute("data-busy-label") || "…";
        var submit = form.querySelector("[type=submit]");
        if (submit && submit.parentNode) { submit.parentNode.insertBefore(label, submit.nextSibling); } else { form.appendChild(label); }
      }
    } else {
      form.removeAttribute("aria-busy");
      if (label) { label.remove(); }
    }
  }
  function onBeforeRequest(event) {
    // The region being refreshed is busy too (a live region then speaks once, when it is done).
    var region = event.detail.target;
    if (region && region.setAttribute) { region.setAttribute("aria-busy", "true"); }
    var form = formOf(event.detail.elt);
    if (!form) { return; }
    var sent = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (editable(el)) { sent[el.name] = el.value; }
    });
    inFlight.push({ form: form, verb: htmxVerb(form), url: form.getAttribute(htmxVerb(form)), sent: sent, typed: null });
    setBusy(form, true);
  }
  function entryFor(form) {
    for (var i = 0; i < inFlight.length; i++) {
      if (inFlight[i].form === form) { return inFlight[i]; }
    }
    return null;
  }
  function onBeforeSwap(event) {
    // What the user typed while the request was in flight: every field that differs from what was sent.
    var entry = entryFor(formOf(event.detail.requestConfig && event.detail.requestConfig.elt) || formOf(event.detail.elt));
    if (!entry) { return; }
    var typed = {};
    var any = false;
    Array.prototype.forEach.call(entry.form.elements, function (el) {
      if (editable(el) && entry.sent[el.name] !== undefined && el.value !== entry.sent[el.name]) {
        typed[el.name] = el.value;
        any = true;
      }
    });
    var active = document.activeElement;
    entry.focus = active && active.form === entry.form && editable(active)
      ? { name: active.name, start: active.selectionStart, end: active.selectionEnd } : null;
    entry.typed = any ? typed : null;
  }
  function onAfterSwap(event) {
    var target = event.detail.target || event.target;
    inFlight.slice().forEach(function (entry) {
      if (entry.form.isConnected || (!entry.typed && !entry.focus)) { return; }
      // The form was replaced: find its successor and give it back what the user typed.
      var candidates = Array.prototype.slice.call(document.querySelectorAll("form"));
      var next = null;
      for (var i = 0; i < candidates.length; i++) {
        if (sameForm(candidates[i], entry.verb, entry.url)) { next = candidates[i]; break; }
      }
      if (!next || (target && !target.contains(next) && next !== target)) { return; }
      if (entry.typed) {
        Object.keys(entry.typed).forEach(function (name) {
          var field = next.elements.namedItem(name);
          if (field && editable(field)) { field.value = entry.typed[name]; }
        });
      }
      if (entry.focus) {
        var again = next.elements.namedItem(entry.focus.name);
        if (again && editable(again) && again.focus) {
          again.focus();
          try { again.setSelectionRange(entry.focus.start, entry.focus.end); } catch (e) { /* not a text field */ }
        }
      }
      entry.typed = null;
      entry.focus = null;
    });
  }
  function onAfterRequest(event) {
    var region = event.detail.target;
    if (region && region.removeAttribute) { region.removeAttribute("aria-busy"); }
    var form = formOf(event.detail.elt);
    var entry = entryFor(form);
    if (form) { setBusy(form, false); }
    if (entry) {
      onAfterSwap({ detail: { target: null } });
      inFlight.splice(inFlight.indexOf(entry), 1);
    }
  }

  document.addEventListener("htmx:load", function (e) { prepare(e.target); });
  document.addEventListener("htmx:beforeRequest", onBeforeRequest);
  document.addEventListener("htmx:beforeSwap", onBeforeSwap);
  document.addEventListener("htmx:afterSwap", onAfterSwap);
  document.addEventListener("htmx:afterRequest", onAfterRequest);

  document.addEventListener("DOMContentLoaded", function () {
    prepare(document);
    var toggle = document.querySelector(".menu-toggle");
    var nav = document.getElementById("site-nav");
    if (toggle && nav) {
      toggle.hidden = false;
      var small = window.matchMedia("(max-width: 48rem)");
      var set = function (open) {
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        nav.setAttribute("data-collapsed", open ? "false" : "true");
      };
      set(!small.matches);
      toggle.addEventListener("click", function () {
        set(toggle.getAttribute("aria-expanded") !== "true");
      });
      small.addEventListener("change", function (e) { set(!e.matches); });
    }
    // The account menu closes with Escape and when focus or a click goes elsewhere.
    var userMenu = document.querySelector(".user-menu");
    if (userMenu) {
      document.addEventListener("keydown", function (e) {
        if (e.key === "Escape" && userMenu.open) {
          userMenu.open = false;
          userMenu.querySelector("summary").focus();
        }
      });
      document.addEventListener("click", function (e) {
        if (userMenu.open && !userMenu.contains(e.target)) { userMenu.open = false; }
      });
    }
    // In-page links into collapsed sections open them.
    document.addEventListener("click", function (e) {
      var link = e.target.closest && e.target.closest("a[href^='#']");
      if (!link || link.getAttribute("href").length < 2) { return; }
      var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (!target) { return; }
      reveal(target);
      // Error-summary links move focus to the field itself (GOV.UK pattern), its label in view.
      if (link.closest("[data-error-summary]") && target.focus) {
        e.preventDefault();
        // A radio or checkbox group shows its question (the legend) with the first option.
        var group = target.closest("fieldset");
        var legend = group && group.querySelector("legend");
        var label = legend || document.querySelector("label[for='" + target.id + "']");
        (label || target).scrollIntoView();
        target.focus({ preventScroll: true });
      }
    });
    window.addEventListener("hashchange", revealHash);
    revealHash();
    // After a failed submit, focus the error summary so screen-reader and keyboard users land on it.
    var summary = document.querySelector("[data-error-summary], .error-summary");
    if (summary) {
      if (!summary.hasAttribute("tabindex")) { summary.setAttribute("tabindex", "-1"); }
      summary.focus();
    } else {
      var field = document.querySelector(".has-error input, .has-error select, .has-error textarea");
      if (field) { field.focus(); }
    }
    // The same when htmx swaps in a form that came back with errors (e.g. the agenda of a meeting).
    document.addEventListener("htmx:afterSettle", function (e) {
      var swapped = e.detail && e.detail.target;
      var box = swapped && swapped.querySelector && swapped.querySelector("[data-error-summary]");
      if (box) { box.focus(); }
    });
  });
})();

// --- Character counters under long texts: "120 of 2000 characters" (_field.html). ---
// The count shows at once; screen readers hear it once typing pauses (a polite live region).
(function () {
  "use strict";
  function counters(root) {
    var outputs = root.querySelectorAll ? root.querySelectorAll("[data-counter]") : [];
    Array.prototype.forEach.call(outputs, function (out) {
      var field = document.getElementById(out.getAttribute("data-counter"));
      if (!field || out.hasAttribute("data-counting")) { return; }
      out.setAttribute("data-counting", "");
      var shown = document.createElement("span");
      var live = document.createElement("span");
      shown.setAttribute("aria-hidden", "true");
      live.className = "visually-hidden";
      live.setAttribute("aria-live", "polite");
      out.appendChild(shown);
      out.appendChild(live);
      var timer = null;
      function text() {
        // Newlines count once, as the server counts them.
        return out.getAttribute("data-text").replace("{count}", field.value.replace(/\r\n/g, "\n").length);
      }
      field.addEventListener("input", function () {
        shown.textContent = text();
        out.classList.toggle("near-limit", field.maxLength > 0 && field.value.length > field.maxLength * 0.9);
        clearTimeout(timer);
        timer = setTimeout(function () { live.textContent = text(); }, 900);
      });
      shown.textContent = text();
      out.hidden = false;
    });
  }
  counters(document);
  document.addEventListener("htmx:load", function (e) { counters(e.target); });

  // --- A box that scrolls sideways on a phone (a wide chart) must be reachable by keyboard; on a
  // wide screen, where it does not scroll, it is not a Tab stop. Without JavaScript it stays one. ---
  function scrollStops(root) {
    var boxes = root.querySelectorAll("[data-focus-if-scrolls]");
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].scrollWidth > boxes[i].clientWidth + 1) { boxes[i].setAttribute("tabindex", "0"); }
      else { boxes[i].removeAttribute("tabindex"); }
    }
  }
  var resizing;
  window.addEventListener("load", function () { scrollStops(document); });
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () { scrollStops(document); }, 200);
  });
  document.addEventListener("htmx:load", function (e) { scrollStops(e.target); });
})();
