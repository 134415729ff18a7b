// The stand-up timer: counts down to the end the server rendered (data-ends-at),
// then counts up the overrun. Re-reads the page each second, so a timer swapped in
// by htmx needs no setup.
(function () {
  function tick() {
    document.querySelectorAll("time[data-ends-at]").forEach(function (clock) {
      var left = Math.round((Date.parse(clock.dataset.endsAt) - Date.now()) / 1000);
      var over = left < 0;
      var seconds = Math.abs(left);
      clock.textContent = (over ? "+" : "") + Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
      clock.classList.toggle("su-over", over);
    });
  }
  tick();
  setInterval(tick, 1000);
})();
