// Voucher entry, keyboard first (issue 19): running debit/credit totals; Enter moves to the
// next cell (摘要 → 科目 → 借 → 贷 → next line, a new line after the last), Shift+Enter back;
// Ctrl+S saves, Ctrl+Enter saves and opens a new voucher with the date kept; "=" in an amount
// cell fills the amount that balances the voucher; the 摘要 carried down from the line above
// is selected so typing replaces it, and a line that holds nothing but a carried 摘要 is left
// out when the form is sent. The 科目 field suggests open leaf accounts by code, part of the
// name or 助记码 (pinyin initials, e.g. kcxj for 库存现金): arrows choose, Enter takes the
// highlighted one (the first, unless moved) and goes on, Esc closes the list; the field then
// shows "10201 银行存款—农商行". Without JavaScript the form still works (a datalist of the
// same accounts), and the server checks everything.
(function () {
  "use strict";
  var form = document.getElementById("voucher-form");
  if (!form) { return; }
  var body = document.querySelector("#voucher-lines tbody");
  var totalDebit = document.getElementById("total-debit");
  var totalCredit = document.getElementById("total-credit");
  var state = document.getElementById("balance-state");
  var saveAndNew = document.getElementById("save-and-new");
  var choiceData = document.getElementById("account-choices");
  var choices = choiceData ? JSON.parse(choiceData.textContent) : [];
  var list = document.getElementById("account-suggestions");
  var shown = [], active = -1, owner = null;

  function matches(typed) {
    var text = typed.trim().toLowerCase();
    if (!text) { return []; }
    var ranked = [];
    choices.forEach(function (choice) {
      var keys = choice.k.split(" ");
      var rank = choice.c.indexOf(text) === 0 ? (choice.c === text ? 0 : 1)
        : keys.some(function (k) { return k.indexOf(text) === 0; }) ? 2
        : choice.t.toLowerCase().indexOf(text) >= 0 || choice.k.indexOf(text) >= 0 ? 3 : -1;
      if (rank >= 0) { ranked.push([rank, choice]); }
    });
    ranked.sort(function (a, b) { return a[0] - b[0] || (a[1].c < b[1].c ? -1 : 1); });
    return ranked.slice(0, 12).map(function (pair) { return pair[1]; });
  }
  function closeList() {
    if (!list) { return; }
    list.hidden = true;
    list.innerHTML = "";
    shown = []; active = -1; owner = null;
  }
  function highlight(index) {
    active = index;
    Array.prototype.forEach.call(list.children, function (item, at) {
      item.setAttribute("aria-selected", at === active ? "true" : "false");
      if (at === active) { item.scrollIntoView({block: "nearest"}); }
    });
  }
  function openList(input) {
    if (!list) { return; }
    var found = matches(input.value);
    if (!found.length || (found.length === 1 && found[0].t === input.value)) { closeList(); return; }
    list.innerHTML = "";
    found.forEach(function (choice, at) {
      var item = document.createElement("li");
      item.setAttribute("role", "option");
      item.dataset.index = at;
      item.textContent = choice.t;
      list.appendChild(item);
    });
    var box = input.getBoundingClientRect();
    list.style.left = Math.max(0, Math.min(box.left, window.innerWidth - 288)) + "px";
    list.style.top = box.bottom + "px";
    list.hidden = false;
    shown = found; owner = input;
    highlight(0);
  }
  function take(index) {
    if (owner && shown[index]) { owner.value = shown[index].t; }
    closeList();
  }
  if (list) {
    body.querySelectorAll("input.account").forEach(function (i) { i.removeAttribute("list"); });
    list.addEventListener("mousedown", function (event) {
      var item = event.target.closest("li");
      if (!item) { return; }
      event.preventDefault();                 // keep the focus in the field
      var input = owner;
      take(parseInt(item.dataset.index, 10));
      if (input) { input.focus(); }
    });
    window.addEventListener("scroll", function (event) {
      if (event.target !== list) { closeList(); }
    }, true);
  }

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
  function sum(selector, except) {
    var total = 0;
    body.querySelectorAll(selector).forEach(function (i) { if (i !== except) { total += cents(i.value); } });
    return total;
  }
  function recount() {
    var debit = sum("input.debit"), credit = sum("input.credit");
    totalDebit.textContent = show(debit);
    totalCredit.textContent = show(credit);
    state.textContent = debit === credit ? (debit ? "✓" : "") : "≠ " + show(debit - credit);
  }
  function renumber(row, index) {
    row.querySelectorAll("input").forEach(function (input) {
      input.name = input.name.replace(/lines-\d+-/, "lines-" + index + "-");
      input.id = input.name;
      input.value = "";
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
      var label = input.getAttribute("aria-label");
      if (label) { input.setAttribute("aria-label", label.replace(/\d+/, String(index + 1))); }
      delete input.dataset.carried;
    });
    row.querySelectorAll(".cell-error").forEach(function (p) { p.remove(); });
    row.querySelectorAll(".has-error").forEach(function (td) { td.classList.remove("has-error"); });
  }
  function addLine() {
    var rows = body.querySelectorAll("tr.line");
    var copy = rows[rows.length - 1].cloneNode(true);
    renumber(copy, rows.length);
    body.appendChild(copy);
    return copy;
  }
  function cells() {
    return Array.prototype.slice.call(body.querySelectorAll("tr.line input"));
  }
  document.getElementById("add-line").addEventListener("click", function () {
    addLine().querySelector("input.summary").focus();
  });
  body.addEventListener("input", function (event) {
    delete event.target.dataset.carried;
    if (event.target.classList.contains("account")) { openList(event.target); }
    recount();
  });
  body.addEventListener("focusout", function (event) {
    if (event.target === owner) { closeList(); }
  });
  body.addEventListener("focusin", function (event) {
    var input = event.target;
    if (!input.classList.contains("summary")) { return; }
    if (!input.value) {
      var previous = input.closest("tr").previousElementSibling;
      while (previous && !previous.classList.contains("line")) { previous = previous.previousElementSibling; }
      var above = previous && previous.querySelector("input.summary").value;
      if (above) { input.value = above; input.dataset.carried = "1"; }
    }
    if (input.dataset.carried) { input.select(); }
  });
  body.addEventListener("keydown", function (event) {
    var input = event.target;
    if (owner === input && shown.length) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + shown.length) % shown.length);
        return;
      }
      if (event.key === "Escape") { event.preventDefault(); closeList(); return; }
      if (event.key === "Enter" && !event.shiftKey && !event.ctrlKey && !event.metaKey) {
        take(active < 0 ? 0 : active);        // and go on to the next cell below
      }
    }
    if (event.key === "=" && input.classList.contains("amount")) {
      event.preventDefault();
      var debit = sum("input.debit", input), credit = sum("input.credit", input);
      var missing = input.classList.contains("debit") ? credit - debit : debit - credit;
      if (missing > 0) { input.value = show(missing).replace(/,/g, ""); recount(); }
      return;
    }
    if (event.key !== "Enter" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    event.preventDefault();
    var all = cells(), at = all.indexOf(input);
    if (event.shiftKey) { if (at > 0) { all[at - 1].focus(); } return; }
    if (at === all.length - 1) { addLine(); all = cells(); }
    all[at + 1].focus();
  });
  form.addEventListener("keydown", function (event) {
    var plain = !(event.ctrlKey || event.metaKey || event.altKey || event.shiftKey);
    if (event.key === "Enter" && plain && event.target.closest(".voucher-head")) {
      event.preventDefault();              // Enter in the date or 附件 field does not send it half done
      body.querySelector("input.summary").focus();
      return;
    }
    if (!(event.ctrlKey || event.metaKey)) { return; }
    if (event.key === "s" || event.key === "S") {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === "Enter" && saveAndNew) {
      event.preventDefault();
      form.requestSubmit(saveAndNew);
    }
  });
  form.addEventListener("submit", function () {
    body.querySelectorAll("tr.line").forEach(function (row) {
      var summary = row.querySelector("input.summary");
      var others = row.querySelectorAll("input:not(.summary)");
      var untouched = Array.prototype.every.call(others, function (i) { return !i.value.trim(); });
      if (summary.dataset.carried && untouched) { summary.value = ""; }
    });
  });
  // scans: chosen or dropped on the box; the names are listed before saving
  var drop = document.getElementById("scan-drop");
  var scans = document.getElementById("scans");
  var names = document.getElementById("scan-names");
  function listScans() {
    if (!scans.files.length) { return; }
    names.textContent = Array.prototype.map.call(scans.files, function (f) { return f.name; }).join("、");
  }
  if (drop && scans && names) {
    scans.addEventListener("change", listScans);
    ["dragenter", "dragover"].forEach(function (kind) {
      drop.addEventListener(kind, function (event) { event.preventDefault(); drop.classList.add("dragging"); });
    });
    ["dragleave", "drop"].forEach(function (kind) {
      drop.addEventListener(kind, function () { drop.classList.remove("dragging"); });
    });
    drop.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        scans.files = event.dataTransfer.files;
        listScans();
      }
    });
  }
  recount();
})();
