// The status page keeps itself current: every minute it fetches itself and swaps the page's
// content in place (a <meta refresh> would reload under a screen reader's cursor).
(() => {
  const EVERY_MS = 60000;
  setInterval(async () => {
    if (document.hidden) return;
    try {
      const response = await fetch(location.pathname, { headers: { Accept: "text/html" } });
      if (!response.ok) return;
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("main");
      if (fresh) document.querySelector("main").replaceWith(fresh);
    } catch {
      // offline for a moment: the next tick tries again
    }
  }, EVERY_MS);
})();
