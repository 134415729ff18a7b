// The main menu. On a phone or a narrow tablet (at most 48rem, as in app.css)
// it sits behind the Menu button and shows every entry when open; on a wider
// screen each group's other pages sit in a <details> toggle, which works
// without this script: here it closes on Escape, on a click elsewhere, and
// when another opens.
(function () {
  var header = document.querySelector(".topbar");
  var button = header && header.querySelector(".menu-button");
  if (!button) return;
  var groups = Array.prototype.slice.call(header.querySelectorAll(".menu-more"));
  var phone = window.matchMedia("(max-width: 48rem)");

  function openGroups(open) {
    groups.forEach(function (group) { group.open = open; });
  }

  function openMenu(open) {
    header.classList.toggle("menu-open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
    openGroups(open && phone.matches);  // on a phone the open menu lists every entry
  }

  button.addEventListener("click", function () {
    openMenu(button.getAttribute("aria-expanded") !== "true");
  });

  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (!group.open || phone.matches) return;
      groups.forEach(function (other) { if (other !== group) other.open = false; });
    });
  });

  document.addEventListener("click", function (event) {
    if (phone.matches) return;
    groups.forEach(function (group) {
      if (group.open && !group.contains(event.target)) group.open = false;
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = phone.matches ? [] : groups.filter(function (group) { return group.open; });
    if (open.length) {
      open.forEach(function (group) { group.open = false; });
      open[0].querySelector("summary").focus();
    } else if (header.classList.contains("menu-open")) {
      openMenu(false);
      button.focus();
    }
  });

  phone.addEventListener("change", function () { openMenu(false); });
})();
