// The idle log-out (clinic.security.SessionTimeoutMiddleware) without losing what a person
// types: typing counts as activity (a keep-alive request at most once a minute), and two
// minutes before the log-out a dialog offers "Stay logged in".
(function () {
  "use strict";
  var dialog = document.getElementById("idle-dialog");
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }
  var timeout = Number(dialog.getAttribute("data-timeout")) * 1000;
  var keepAliveUrl = dialog.getAttribute("data-keep-alive");
  // Short time-outs (the browser tests') scale the two minutes and the once a minute down.
  var warnBefore = Math.min(120000, timeout / 2);
  var everyAtMost = Math.min(60000, timeout / 4);
  var lastActivity = Date.now(); // loading the page was activity
  var warnTimer = null;
  var endTimer = null;

  function showLogIn() {
    // The server has logged the person out: the page, reloaded, sends them to log in and back.
    window.location.assign(window.location.href);
  }

  function restartClock() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(function () {
      if (!dialog.open) {
        dialog.showModal();
      }
    }, timeout - warnBefore);
    endTimer = setTimeout(showLogIn, timeout + 1000);
  }

  function keepAlive() {
    lastActivity = Date.now();
    restartClock();
    fetch(keepAliveUrl, { credentials: "same-origin", cache: "no-store", redirect: "manual" })
      .then(function (response) {
        if (response.status !== 204) {
          showLogIn();
        }
      })
      .catch(function () {});
  }

  document.addEventListener(
    "input",
    function (event) {
      if (event.target.closest && event.target.closest("#idle-dialog")) {
        return;
      }
      if (Date.now() - lastActivity >= everyAtMost) {
        keepAlive();
      }
    },
    true
  );
  dialog.querySelector("[data-stay]").addEventListener("click", function () {
    dialog.close();
    keepAlive();
  });
  restartClock();
})();
