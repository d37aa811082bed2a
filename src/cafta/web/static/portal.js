/* CAFTA Smart Port portal: progressive enhancement only. Every page works without this file.
   - Bill of materials and declaration items: "Add rows" and "Remove" change the rows in the
     page instead of sending the form (the server does the same when the script does not run).
   - Reports: shows the "Print the report" button and prints. */
(function () {
  "use strict";

  var ROW_FIELD = /^(f-|h-|e-)?[mi]-\d+-/;

  function renumberRows(rows) {
    var list = rows.querySelectorAll("[data-row]");
    Array.prototype.forEach.call(list, function (row, position) {
      Array.prototype.forEach.call(row.querySelectorAll(".row-number"), function (span) {
        span.textContent = String(position + 1);
      });
    });
  }

  function nextIndex(rows) {
    var highest = -1;
    Array.prototype.forEach.call(rows.querySelectorAll("[data-row]"), function (row) {
      highest = Math.max(highest, parseInt(row.getAttribute("data-row"), 10) || 0);
    });
    return highest + 1;
  }

  function retarget(value, index) {
    return value.replace(/\b([mi])-\d+-/g, "$1-" + index + "-");
  }

  function blankCopy(row, index) {
    var copy = row.cloneNode(true);
    copy.setAttribute("data-row", String(index));
    Array.prototype.forEach.call(copy.querySelectorAll(".field-error"), function (node) {
      node.parentNode.removeChild(node);
    });
    Array.prototype.forEach.call(copy.querySelectorAll(".invalid"), function (node) {
      node.classList.remove("invalid");
    });
    Array.prototype.forEach.call(copy.querySelectorAll("*"), function (node) {
      ["id", "name", "for"].forEach(function (attribute) {
        var value = node.getAttribute(attribute);
        if (value && ROW_FIELD.test(value)) {
          node.setAttribute(attribute, retarget(value, index));
        }
      });
      var described = node.getAttribute("aria-describedby");
      if (described) {
        var kept = described.split(" ").filter(function (id) { return id.indexOf("e-") !== 0; });
        if (kept.length) {
          node.setAttribute("aria-describedby", retarget(kept.join(" "), index));
        } else {
          node.removeAttribute("aria-describedby");
        }
      }
      node.removeAttribute("aria-invalid");
      if (node.tagName === "INPUT") {
        if (node.type === "checkbox") {
          node.checked = false;
        } else {
          node.value = node.getAttribute("data-default") || "";
        }
      }
      if (node.hasAttribute("data-remove-row")) {
        node.value = String(index);
      }
    });
    return copy;
  }

  function announce(rows, text) {
    var status = document.querySelector("[data-bom-status]");
    if (status && text) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }
  }

  function setUpRows() {
    var rows = document.querySelector("[data-bom-rows]");
    var add = document.querySelector("[data-add-row]");
    if (!rows || !add) {
      return;
    }
    add.addEventListener("click", function (event) {
      event.preventDefault();
      var all = rows.querySelectorAll("[data-row]");
      var copy = blankCopy(all[all.length - 1], nextIndex(rows));
      rows.appendChild(copy);
      renumberRows(rows);
      var first = copy.querySelector("input");
      if (first) {
        first.focus();
      }
      announce(rows, rows.getAttribute("data-added"));
    });
    rows.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("[data-remove-row]") : null;
      if (!button) {
        return;
      }
      event.preventDefault();
      var row = button.closest("[data-row]");
      var all = rows.querySelectorAll("[data-row]");
      if (all.length === 1) {
        rows.appendChild(blankCopy(row, nextIndex(rows)));
      }
      var next = row.nextElementSibling || row.previousElementSibling;
      row.parentNode.removeChild(row);
      renumberRows(rows);
      var target = next ? next.querySelector("input") : add;
      if (target) {
        target.focus();
      }
      announce(rows, rows.getAttribute("data-removed"));
    });
  }

  function setUpPrinting() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function start() {
    setUpRows();
    setUpPrinting();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
