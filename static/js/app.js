// VendorEval: small progressive enhancements. Every page works without this file.
// When an autosave cannot reach the server (network down, session expired, server error), say so next to the field:
// the answer is still in the field and is sent again with the next change or with the step's Save button.
(function () {
  "use strict";

  function markFailed(event, message) {
    var target = event.detail && event.detail.elt;
    var field = target && target.closest ? target.closest(".field") : null;
    if (!field) { return; }
    var state = field.querySelector(".save-state");
    if (!state) { return; }
    state.textContent = message;
    state.classList.remove("saved");
    state.classList.add("failed");
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail && event.detail.elt;
    var field = target && target.closest ? target.closest(".field") : null;
    var state = field ? field.querySelector(".save-state") : null;
    if (state) { state.textContent = "Saving…"; state.classList.remove("saved", "failed"); }
  });
  document.addEventListener("htmx:sendError", function (event) {
    markFailed(event, "Not saved: the server could not be reached. Your answer is kept here; change it again or use Save.");
  });
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail && event.detail.xhr ? event.detail.xhr.status : 0;
    var why = status === 403 ? "you may not change this evaluation, or your session expired — log in again"
      : status === 410 ? "this request is closed (submitted, expired or withdrawn) — reload the page"
      : status === 429 ? "too many requests in a short time — wait a few minutes and change it again"
      : "the server answered " + status;
    markFailed(event, "Not saved: " + why + ". Your answer is kept here.");
  });

  // A select marked data-submit-on-change (the language choices) submits its form when changed; without this file
  // the form's own button does the same.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select && select.matches && select.matches("select[data-submit-on-change]") && select.form) {
      select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
    }
  });
})();
