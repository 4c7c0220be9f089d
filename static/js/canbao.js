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
// The bulk import form: fields that only one kind of import uses are shown only while that kind is chosen.
function showFieldsOfKind(select) {
  document.querySelectorAll("[data-kind-only]").forEach(function (field) {
    field.hidden = field.getAttribute("data-kind-only") !== select.value;
  });
}
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-kind-select]")) {
    showFieldsOfKind(event.target);
  }
});
document.addEventListener("DOMContentLoaded", function () {
  var select = document.querySelector("[data-kind-select]");
  if (select) {
    showFieldsOfKind(select);
  }
});
// A receipt opened right after its print was recorded (打印 / 补打) prints itself.
document.addEventListener("DOMContentLoaded", function () {
  if (document.querySelector("[data-print-on-load]")) {
    window.print();
  }
});
