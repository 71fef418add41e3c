// Progress bar of a background job: polls the job's JSON status until it finishes.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-progress");
  var percent = document.getElementById("job-percent");
  var state = document.getElementById("job-state");
  var message = document.getElementById("job-message");
  var download = document.getElementById("job-download");
  var link = document.getElementById("job-download-link");
  var retry = document.getElementById("job-retry");

  function show(status) {
    bar.value = status.progress;
    bar.textContent = status.progress + "%";
    percent.textContent = status.progress;
    state.textContent = status.state_label;
    message.textContent = status.message;
    if (status.download) {
      link.href = status.download;
      download.hidden = false;
    }
    retry.hidden = !status.retry;
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        show(status);
        if (!status.finished) { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
