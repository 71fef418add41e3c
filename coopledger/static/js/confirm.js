// Confirm what cannot be undone (issue 19): a form with data-confirm asks first, naming the
// object (deleting a draft, posting, closing a month, a parcel or household leaving). Without
// JavaScript the form goes straight to the server, which checks every rule itself.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
