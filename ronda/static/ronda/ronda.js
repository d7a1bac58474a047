// Ronda: progressive enhancement only. Everything works without JavaScript.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
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
    // Move focus to the first error so screen-reader and keyboard users land on it.
    var summary = document.querySelector(".error-summary, .field-error");
    if (summary) {
      var field = document.querySelector(".has-error input, .has-error select, .has-error textarea");
      (field || summary).focus();
    }
  });
})();
