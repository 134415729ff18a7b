// Refusals reach htmx requests too. htmx 2 swaps no 4xx answer by default;
// a 403 or 404 from the app's handlers (leanops/views.py) carries a short
// message aimed at the page's messages area (HX-Retarget), so swap exactly
// those, and the 503 "briefly unavailable" message (the database is restarting)
// that leanops.views.server_error aims there the same way. Any other error answer
// (a CSRF failure, a proxy's page) stays unswapped.
(function () {
  function isRefusal(xhr) {
    return (xhr.status === 403 || xhr.status === 404 || xhr.status === 503) && Boolean(xhr.getResponseHeader("HX-Retarget"));
  }

  // With DEBUG on, django-htmx's debug script replaces the whole page with any
  // 403/404 answer (to show Django's debug pages); a refusal is not one of those.
  window.addEventListener("htmx:beforeOnLoad", function (event) {
    if (isRefusal(event.detail.xhr)) event.stopPropagation();
  }, true);

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (isRefusal(event.detail.xhr)) event.detail.shouldSwap = true;
  });
})();
