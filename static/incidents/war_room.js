// War room behaviour: the SLA clock ticks every second; in the quick-add box Enter sends, Shift+Enter is a new line.
(function () {
  "use strict";

  function pad(n) { return String(n).padStart(2, "0"); }
  function span(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    return Math.floor(s / 3600) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
  }

  function tick(clock) {
    var declared = Date.parse(clock.dataset.declared);
    var target = Number(clock.dataset.targetMinutes) * 60 * 1000;
    var acked = clock.dataset.acknowledged ? Date.parse(clock.dataset.acknowledged) : null;
    var resolved = clock.dataset.resolved ? Date.parse(clock.dataset.resolved) : null;
    var now = Date.now();
    var text;
    if (!acked) {
      var left = declared + target - now;
      text = left >= 0 ? "Acknowledge within " + span(left) : "Acknowledgement overdue by " + span(-left);
      clock.classList.toggle("sla-breached", left < 0);
    } else {
      text = "Acknowledged after " + span(acked - declared) + (acked - declared > target ? " (target missed)" : "") +
        " · " + (resolved ? "resolved after " + span(resolved - declared) : "open for " + span(now - declared));
    }
    clock.textContent = "SLA: " + text;
  }

  document.addEventListener("DOMContentLoaded", function () {
    // Looked up at each tick: the live tail replaces the clock when the incident moves on.
    var clock = function () { return document.getElementById("sla-clock"); };
    if (clock()) { tick(clock()); setInterval(function () { if (clock()) { tick(clock()); } }, 1000); }
    document.body.addEventListener("htmx:afterSettle", function () { if (clock()) { tick(clock()); } });
    var box = document.getElementById("quick-add-text");
    var form = document.getElementById("quick-add");
    if (box && form) {
      box.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          form.requestSubmit();
        }
      });
      form.addEventListener("htmx:afterRequest", function (event) {
        if (event.detail.xhr.status === 204) { form.reset(); box.focus(); }
      });
    }
    document.body.dataset.warRoomReady = "1";
  });
})();
