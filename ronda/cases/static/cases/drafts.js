// Forms that survive a dropped connection: what is typed in a form with data-draft is kept in this
// tab's sessionStorage (never on the server, gone when the tab closes) and put back if the page is
// opened again before the form was sent successfully. A page that answers with the form again (an
// error, the duplicate step) shows what the server sent, and the draft follows it.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-draft]");
  Array.prototype.forEach.call(forms, function (form) {
    var key = "ronda-draft:" + form.getAttribute("data-draft");
    var fields = form.querySelectorAll("input[name], select[name], textarea[name]");
    function skip(el) {
      return el.type === "hidden" || el.type === "submit" || el.type === "password" || el.type === "file";
    }
    var saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    var fresh = !form.querySelector(".field-error") && !form.querySelector("[role=alert]");
    if (saved && fresh) {
      Array.prototype.forEach.call(fields, function (el) {
        if (skip(el) || !(el.name in saved)) { return; }
        if (el.type === "checkbox") { el.checked = saved[el.name] === true; } else { el.value = saved[el.name]; }
      });
    }
    function store() {
      var data = {};
      Array.prototype.forEach.call(fields, function (el) {
        if (!skip(el)) { data[el.name] = el.type === "checkbox" ? el.checked : el.value; }
      });
      try { sessionStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full or off */ }
    }
    form.addEventListener("input", store);
    form.addEventListener("change", store);
    // The next page (a redirect after success) clears it; an error page keeps the form on screen.
    if (document.querySelector(".messages .success, [data-message-level=success]")) {
      try { sessionStorage.removeItem(key); } catch (e) { /* ignore */ }
    }
  });
  // After a successful save the redirect lands on another page: drop the drafts it came from.
  if (document.querySelector(".messages .success, [data-message-level=success]")) {
    try {
      Object.keys(sessionStorage).forEach(function (k) {
        if (k.indexOf("ronda-draft:cases-") === 0) { sessionStorage.removeItem(k); }
      });
    } catch (e) { /* ignore */ }
  }
})();
