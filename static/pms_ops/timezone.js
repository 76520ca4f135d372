// Tell the server the browser's timezone, so every page shows moments in the user's own time.
// IANA names ("Asia/Kolkata") are cookie-safe as they are: written raw, read raw by UserTimezoneMiddleware.
(function () {
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var current = document.cookie.split("; ").filter(function (c) { return c.indexOf("pms_tz=") === 0; })[0];
  if (zone && current !== "pms_tz=" + zone) {
    document.cookie = "pms_tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
  }
})();
