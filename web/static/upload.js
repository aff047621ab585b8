// Sends a large CSV file to the ingest API in batches of rows, showing progress, then a summary of what was
// accepted and which rows were refused and why. The page works without this script (one batch, posted whole).
(function () {
  "use strict";
  var form = document.getElementById("upload");
  if (!form || !window.fetch || !window.FileReader) { return; }
  var BATCH_ROWS = 20000;

  function text(parent, tag, content) {
    var element = document.createElement(tag);
    element.textContent = content;
    parent.appendChild(element);
    return element;
  }

  form.addEventListener("submit", function (event) {
    var file = document.getElementById("file").files[0];
    if (!file) { return; }
    event.preventDefault();
    var source = document.getElementById("source").value || "csv upload";
    var section = document.getElementById("progress");
    var bar = document.getElementById("progress-bar");
    var status = document.getElementById("progress-text");
    var summary = document.getElementById("summary");
    section.hidden = false;
    summary.textContent = "";
    status.textContent = "Reading " + file.name + "…";
    file.text().then(function (content) {
      var lines = content.split(/\r?\n/);
      var header = lines.shift();
      lines = lines.filter(function (line) { return line.trim() !== ""; });
      var batches = [];
      for (var i = 0; i < lines.length; i += BATCH_ROWS) { batches.push({ first: i, rows: lines.slice(i, i + BATCH_ROWS) }); }
      var accepted = 0;
      var refused = [];
      var periods = {};
      var index = 0;
      function next() {
        if (index >= batches.length) { return finish(); }
        var batch = batches[index];
        status.textContent = "Sending rows " + (batch.first + 1) + "–" + (batch.first + batch.rows.length) + " of " + lines.length + "…";
        return fetch(form.dataset.api + "?source=" + encodeURIComponent(source), {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "text/csv", "X-CSRF-Token": form.dataset.csrf },
          body: header + "\n" + batch.rows.join("\n") + "\n"
        }).then(function (response) {
          return response.json().then(function (json) {
            if (response.ok) {
              accepted += json.accepted;
              // the periods each batch touched, as they stood after it: the last batch's word on a period stands
              (json.periods || []).forEach(function (period) { periods[period.start] = period; });
            } else {
              var details = (json.error && json.error.details) || [];
              if (details.length === 0) { details = [{ field: "", message: (json.error && json.error.message) || response.statusText }]; }
              details.forEach(function (detail) {
                refused.push({ row: detail.row ? batch.first + detail.row : null, field: detail.field || "", message: detail.message || "" });
              });
            }
          });
        }).then(function () {
          index += 1;
          bar.value = Math.round(index / batches.length * 100);
          return next();
        });
      }
      function link(parent, href, content) {
        var cell = document.createElement("td");
        var anchor = document.createElement("a");
        anchor.href = href;
        anchor.textContent = content;
        cell.appendChild(anchor);
        parent.appendChild(cell);
      }
      // "21000.00" as pages write money: "21,000.00"
      function grouped(amount) {
        var parts = String(amount).split(".");
        return parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (parts.length > 1 ? "." + parts[1] : "");
      }
      function showPeriods() {
        var starts = Object.keys(periods).sort().reverse();
        if (starts.length === 0) { return; }
        text(summary, "h3", "What the upload changed");
        var table = document.createElement("table");
        var head = table.createTHead().insertRow();
        ["Period", "Attainment", "SLA status", "Record", "Credit"].forEach(function (title) { text(head, "th", title); });
        var body = table.createTBody();
        starts.forEach(function (start) {
          var period = periods[start];
          var row = body.insertRow();
          link(row, "/objectives/" + form.dataset.objective + "/periods/" + start, (period.label || start.slice(0, 10)) + (period.closed ? "" : " (so far)"));
          // three decimals, cut rather than rounded, so a figure below a target never reads as reaching it
          text(row, "td", period.attainment === null || period.attainment === undefined ? "no data" : (Math.floor(Number(period.attainment) * 1000) / 1000).toFixed(3) + " %");
          text(row, "td", period.status.replace(/_/g, " ") + (period.breached ? " (breach)" : ""));
          text(row, "td", period.revision ? (period.revision > 1 ? "revision " + period.revision : "recorded") : "open");
          if (period.credit_id) { link(row, "/credits/" + period.credit_id, period.currency + " " + grouped(period.credit_amount)); }
          else { text(row, "td", "none"); }
        });
        summary.appendChild(table);
      }
      function finish() {
        showPeriods();
        var problems = refused.length === 1 ? "1 problem" : refused.length + " problems";
        status.textContent = "Done: " + accepted + (accepted === 1 ? " row" : " rows") + " accepted" + (refused.length ? "; " + problems + " in refused batches, listed below." : ".");
        if (refused.length) {
          var table = document.createElement("table");
          var head = table.createTHead().insertRow();
          ["Row", "Field", "Problem"].forEach(function (title) { text(head, "th", title); });
          var body = table.createTBody();
          refused.forEach(function (problem) {
            var row = body.insertRow();
            text(row, "td", problem.row === null ? "—" : String(problem.row));
            text(row, "td", problem.field);
            text(row, "td", problem.message);
          });
          summary.appendChild(table);
        }
      }
      return next();
    }).catch(function (error) {
      status.textContent = "The upload stopped: " + error;
    });
  });
})();
