// Behaviour shared by every page, bound here rather than inline so that the Content-Security-Policy can forbid
// inline script: print buttons and confirmations before a form that cannot be undone.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
