// Tell the server the browser's timezone, so pages show moments in the user's own time.
(function () {
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && document.cookie.indexOf("pms_tz=" + encodeURIComponent(zone)) === -1) {
    document.cookie = "pms_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
  }
})();
