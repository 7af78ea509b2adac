// VendorEval: small progressive enhancements, bound through data attributes (the CSP allows no inline script).
// Every page works without this file: forms post as a whole, and the must-have list is simply listed in full.
(function () {
  "use strict";

  // The sentences below in the page's language: base.html puts them in the body's data-messages (js_messages.py).
  var catalog = {};
  try {
    catalog = JSON.parse(document.body.getAttribute("data-messages") || "{}");
  } catch (e) { catalog = {}; }
  function say(key, english, values) {
    var text = catalog[key] || english;
    Object.keys(values || {}).forEach(function (name) { text = text.split("{" + name + "}").join(values[name]); });
    return text;
  }

  function fieldOf(element) {
    return element && element.closest ? element.closest(".field") : null;
  }

  function setState(field, message, kind) {
    var state = field ? field.querySelector(".save-state") : null;
    if (!state) { return; }
    state.textContent = message;
    state.classList.remove("saved", "failed", "pending");
    if (kind) { state.classList.add(kind); }
  }

  // --- autosave state: "Saving…", and why a save failed -------------------------------------------------------------
  // When an autosave cannot reach the server (network down, session expired, server error), say so next to the
  // field: the answer is still in the field and is sent again with the next change or with the step's Save button.

  function markFailed(event, message) {
    setState(fieldOf(event.detail && event.detail.elt), message, "failed");
  }

  document.addEventListener("htmx:sendError", function (event) {
    markFailed(event, say("unreachable",
      "Not saved: the server could not be reached. Your answer is kept here; change it again or use Save."));
  });
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail && event.detail.xhr ? event.detail.xhr.status : 0;
    var why = status === 403 ? say("why_403", "you may not change this evaluation, or your session expired — log in again")
      : status === 410 ? say("why_410", "this request is closed (submitted, expired or withdrawn) — reload the page")
      : status === 429 ? say("why_429", "too many requests in a short time — wait a few minutes and change it again")
      : say("why_status", "the server answered {status}", {status: status});
    markFailed(event, say("refused", "Not saved: {why}. Your answer is kept here.", {why: why}));
  });

  // A select marked data-submit-on-change (the language choices) submits its form when changed; without this file
  // the form's own button does the same.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select && select.matches && select.matches("select[data-submit-on-change]") && select.form) {
      select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
    }
  });

  // --- nothing typed is lost: what is not saved yet, and a warning before leaving with it ---------------------------
  // A control of a form marked data-unsaved-warning is "unsaved" from the moment it is changed until a save of its
  // field succeeds with the value it now holds. Leaving the page while one is unsaved asks first.

  var saved = new WeakMap();  // control -> the value last saved (absent: the value the page was served with)
  var unsaved = new Set();

  function tracked(control) {
    return control && control.name && control.form && control.form.hasAttribute("data-unsaved-warning") &&
      fieldOf(control) && /^(INPUT|TEXTAREA|SELECT)$/.test(control.tagName) && control.type !== "search";
  }

  function valueOf(control) {
    if (control.type === "checkbox" || control.type === "radio") { return control.checked; }
    return control.value;
  }

  function servedValue(control) {
    if (control.type === "checkbox" || control.type === "radio") { return control.defaultChecked; }
    if (control.tagName === "SELECT") {
      var chosen = Array.prototype.filter.call(control.options, function (o) { return o.defaultSelected; });
      return chosen.length ? chosen[0].value : (control.options[0] ? control.options[0].value : "");
    }
    return control.defaultValue;
  }

  function lastSaved(control) {
    return saved.has(control) ? saved.get(control) : servedValue(control);
  }

  function groupOf(control) {  // a radio button's whole group: one answer
    if (control.type !== "radio") { return [control]; }
    return Array.prototype.slice.call(fieldOf(control).querySelectorAll("input[type=radio]")).filter(function (r) {
      return r.name === control.name;
    });
  }

  function noteChange(event) {
    var control = event.target;
    if (!tracked(control)) { return; }
    var changed = groupOf(control).some(function (c) { return valueOf(c) !== lastSaved(c); });
    groupOf(control).forEach(function (c) { if (changed) { unsaved.add(c); } else { unsaved.delete(c); } });
    var field = fieldOf(control);
    if (changed) {
      setState(field, control.getAttribute("data-unsaved-text") || "Not saved yet", "pending");
    } else if (!field.querySelector(".errorlist")) {
      setState(field, "", null);
    }
  }
  document.addEventListener("input", noteChange);
  document.addEventListener("change", noteChange);

  function controlsOf(field) {
    return field ? Array.prototype.filter.call(field.querySelectorAll("input, textarea, select"), tracked) : [];
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var field = fieldOf(event.detail && event.detail.elt);
    if (!field) { return; }
    // what this request sends for its field: once it is saved, those values are no longer unsaved
    var sent = new Map();
    controlsOf(field).forEach(function (c) { sent.set(c, valueOf(c)); });
    event.detail.xhr.vendorevalSent = sent;
    setState(field, say("saving", "Saving…"), null);
  });

  document.addEventListener("htmx:beforeSwap", function (event) {  // before the new content's afterSwap reads it
    var xhr = event.detail && event.detail.xhr;
    var sent = xhr ? xhr.vendorevalSent : null;
    if (!sent || xhr.status < 200 || xhr.status > 299) { return; }
    sent.forEach(function (value, control) {
      saved.set(control, value);
      if (valueOf(control) === value) { unsaved.delete(control); }
    });
  });

  function stillUnsaved() {
    var any = false;
    unsaved.forEach(function (control) {
      if (!document.body.contains(control) || valueOf(control) === lastSaved(control)) {
        unsaved.delete(control);
      } else {
        any = true;
      }
    });
    return any;
  }

  var submitting = false;  // the step's own Save buttons post every answer: nothing is lost by that navigation
  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-unsaved-warning")) { submitting = true; }
  });
  window.addEventListener("pageshow", function () { submitting = false; });

  window.addEventListener("beforeunload", function (event) {
    if (!submitting && stillUnsaved()) {
      event.preventDefault();
      event.returnValue = "";  // older browsers need a value to ask
    }
  });

  // --- free text: a visible counter; a paste longer than the limit is kept whole and refused by the server ----------

  function counterOf(control) {
    var ids = (control.getAttribute("aria-describedby") || "").split(/\s+/);
    for (var i = 0; i < ids.length; i++) {
      var element = ids[i] && document.getElementById(ids[i]);
      if (element && element.classList.contains("counter")) { return element; }
    }
    return null;
  }

  function updateCounter(control) {
    var counter = counterOf(control);
    if (!counter) { return; }
    var limit = parseInt(counter.getAttribute("data-limit"), 10);
    var length = control.value.length;
    var values = {length: length, limit: limit, over: length - limit};
    counter.textContent = length > limit ? say("counter_over", "{length} of {limit} characters — {over} too many", values)
      : say("counter", "{length} of {limit} characters", values);
    counter.classList.toggle("over", length > limit);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea, input[type=text]")) { updateCounter(event.target); }
  });

  // The browser would cut a paste at maxlength without a word. Insert it whole instead: the counter shows how much
  // is too much, and the server refuses it with a message next to the field, so nothing is ever cut silently.
  document.addEventListener("paste", function (event) {
    var control = event.target;
    if (!control.matches || !control.matches("textarea[maxlength], input[type=text][maxlength]")) { return; }
    var text = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
    var limit = control.maxLength;
    var start = control.selectionStart, end = control.selectionEnd;
    if (!text || limit < 0 || control.value.length - (end - start) + text.length <= limit) { return; }
    event.preventDefault();
    control.setRangeText(text, start, end, "end");
    control.dispatchEvent(new Event("input", {bubbles: true}));
  });

  // --- after a swap: the control keeps its error state, counter and focus ------------------------------------------

  document.addEventListener("htmx:afterSwap", function (event) {
    var field = fieldOf(event.target);  // the new content: a whole field, or a text field's status
    if (!field || !document.body.contains(field)) { return; }
    // a text field's autosave replaces only its status: mark the control itself valid or invalid again
    var error = field.querySelector(".errorlist[id]");
    field.classList.toggle("field-error", !!error);
    Array.prototype.forEach.call(field.querySelectorAll("[data-autosave]"), function (control) {
      var ids = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
        return id && !/-error$/.test(id);
      });
      if (error) {
        control.setAttribute("aria-invalid", "true");
        ids.push(error.id);
      } else {
        control.removeAttribute("aria-invalid");
      }
      control.setAttribute("aria-describedby", ids.join(" "));
      updateCounter(control);
      if (unsaved.has(control) && !error) { setState(field, say("not_saved_yet", "Not saved yet"), "pending"); }
    });
    // the button that was pressed is gone with the old field: give focus to what follows from it
    if (document.activeElement === document.body || !document.activeElement) {
      var next = field.querySelector("[data-focus-target]");
      if (next) { next.focus(); }
    }
  });

  // --- finding a criterion in a long list (data-filter="#list": items data-filter-item, groups data-filter-group) ---

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(Boolean);
  }

  function setUpFilter(box) {
    var list = document.querySelector(box.getAttribute("data-filter"));
    var input = box.querySelector("input[type=search]");
    var count = box.querySelector("[aria-live]");
    if (!list || !input) { return; }
    var groups = Array.prototype.slice.call(list.querySelectorAll("[data-filter-group]"));
    var opened = groups.map(function (g) { return g.open; });
    box.hidden = false;
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // not a submit of the whole step
    });
    input.addEventListener("input", function () {
      var query = words(input.value);
      var shown = 0;
      groups.forEach(function (group, index) {
        var any = false;
        Array.prototype.forEach.call(group.querySelectorAll("[data-filter-item]"), function (item) {
          var text = item.getAttribute("data-filter-item").toLowerCase();
          var match = query.every(function (w) { return text.indexOf(w) >= 0; });
          item.hidden = !match;
          if (match) { any = true; shown += 1; }
        });
        group.hidden = !any;
        group.open = query.length ? any : opened[index];
      });
      count.textContent = query.length ? (shown === 1 ? "1 criterion matches" : shown + " criteria match") : "";
    });
    groups.forEach(function (group, index) {
      group.addEventListener("toggle", function () { if (!input.value) { opened[index] = group.open; } });
    });
  }

  function ready() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-filter]"), setUpFilter);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
