// Voucher entry: running debit/credit totals, a new line on demand, the summary carried down.
(function () {
  "use strict";
  var form = document.getElementById("voucher-form");
  if (!form) { return; }
  var body = document.querySelector("#voucher-lines tbody");
  var totalDebit = document.getElementById("total-debit");
  var totalCredit = document.getElementById("total-credit");
  var state = document.getElementById("balance-state");

  function cents(text) {
    var clean = (text || "").replace(/[,，\s]/g, "");
    if (!/^-?\d+(\.\d{1,2})?$/.test(clean)) { return 0; }
    var parts = clean.replace("-", "").split(".");
    var value = parseInt(parts[0], 10) * 100 + (parts[1] ? parseInt((parts[1] + "0").slice(0, 2), 10) : 0);
    return clean.charAt(0) === "-" ? -value : value;
  }
  function show(value) {
    var sign = value < 0 ? "-" : "";
    value = Math.abs(value);
    var yuan = Math.floor(value / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return sign + yuan + "." + ("0" + (value % 100)).slice(-2);
  }
  function recount() {
    var debit = 0, credit = 0;
    body.querySelectorAll("input.debit").forEach(function (i) { debit += cents(i.value); });
    body.querySelectorAll("input.credit").forEach(function (i) { credit += cents(i.value); });
    totalDebit.textContent = show(debit);
    totalCredit.textContent = show(credit);
    state.textContent = debit === credit ? (debit ? "✓" : "") : "≠ " + show(debit - credit);
  }
  function renumber(row, index) {
    row.querySelectorAll("input").forEach(function (input) {
      input.name = input.name.replace(/lines-\d+-/, "lines-" + index + "-");
      input.id = input.name;
      input.value = "";
    });
  }
  document.getElementById("add-line").addEventListener("click", function () {
    var rows = body.querySelectorAll("tr.line");
    var copy = rows[rows.length - 1].cloneNode(true);
    renumber(copy, rows.length);
    body.appendChild(copy);
    copy.querySelector("input.summary").focus();
  });
  body.addEventListener("input", recount);
  body.addEventListener("focusin", function (event) {
    var input = event.target;
    if (!input.classList.contains("summary") || input.value) { return; }
    var row = input.closest("tr");
    var previous = row.previousElementSibling;
    while (previous && !previous.classList.contains("line")) { previous = previous.previousElementSibling; }
    if (previous) { input.value = previous.querySelector("input.summary").value; }
  });
  recount();
})();
