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
// The window (窗口办理) by keyboard: Enter quotes, and after a quote the confirm button has the focus, so Enter again
// takes the payment. Once a field changes after the quote, the amount on that button no longer holds: the button is
// withdrawn until Enter quotes again. A year the person has already paid for is named as soon as it is typed.
function withdrawPayment(form) {
  var pay = form.querySelector("[data-pay]");
  if (pay && !pay.disabled) {
    pay.disabled = true;
    pay.textContent = "内容已修改，请回车重新测算";
    var note = form.querySelector("[data-pay-note]");
    if (note) {
      note.hidden = true;
    }
  }
}
function notePaidYear(input) {
  var paid = (input.getAttribute("data-paid-years") || "").split(",");
  var note = input.parentElement.querySelector("[data-paid-years-note]");
  if (note) {
    var taken = paid.indexOf(input.value.trim()) !== -1;
    note.classList.toggle("text-danger", taken);
    note.textContent = note.textContent.replace(/^（.*?年度已参保，请换一个年度）/, "");
    if (taken) {
      note.textContent = "（" + input.value.trim() + "年度已参保，请换一个年度）" + note.textContent;
    }
  }
}
["input", "change"].forEach(function (kind) {
  document.addEventListener(kind, function (event) {
    var form = event.target.form;
    if (form && form.matches("[data-quote-form]")) {
      withdrawPayment(form);
      if (event.target.matches("[data-paid-years]")) {
        notePaidYear(event.target);
      }
    }
  });
});
// A receipt opened right after its print was recorded (打印 / 补打) prints itself.
document.addEventListener("DOMContentLoaded", function () {
  if (document.querySelector("[data-print-on-load]")) {
    window.print();
  }
});
// On a phone a table's rows are cards (canbao.css): every cell of the body and the foot carries the heading of its
// column as its label, counted through the cells that span several columns.
function labelTableCells(root) {
  root.querySelectorAll("table.table").forEach(function (table) {
    var headings = [];
    if (table.tHead && table.tHead.rows.length) {
      Array.prototype.forEach.call(table.tHead.rows[table.tHead.rows.length - 1].cells, function (heading) {
        for (var span = 0; span < heading.colSpan; span++) {
          headings.push(heading.textContent.trim());
        }
      });
    }
    Array.prototype.forEach.call(table.tBodies, function (body) {
      labelRows(body.rows, headings);
    });
    if (table.tFoot) {
      labelRows(table.tFoot.rows, headings);
    }
  });
}
function labelRows(rows, headings) {
  Array.prototype.forEach.call(rows, function (row) {
    var column = 0;
    Array.prototype.forEach.call(row.cells, function (cell) {
      if (cell.colSpan === 1 && headings[column] && !cell.hasAttribute("data-label")) {
        cell.setAttribute("data-label", headings[column]);
      }
      column += cell.colSpan;
    });
  });
}
document.addEventListener("DOMContentLoaded", function () {
  labelTableCells(document);
});
document.addEventListener("htmx:afterSettle", function () {
  labelTableCells(document);
});
// A long list of villages (村、社区) is chosen by typing part of a name: every select marked data-searchable (the
// SearchableSelect widget of config/forms.py) becomes a Tom Select; the select itself keeps the value the form sends.
// A list too long for the page (a city's or the province's villages) carries data-search-url instead of its options,
// and Tom Select asks that URL for the options that hold what was typed.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof TomSelect === "undefined") {
    return;
  }
  document.querySelectorAll("select[data-searchable]").forEach(function (select) {
    var settings = {
      allowEmptyOption: true,
      maxOptions: null,
      create: false,
      refreshThrottle: 0, // the list follows every key at once, so a quick Enter takes what was typed
      render: {
        no_results: function () {
          return '<div class="no-results">没有相符的选项</div>';
        },
      },
    };
    var searchUrl = select.getAttribute("data-search-url");
    if (searchUrl) {
      settings.searchField = ["text", "value"]; // the answer also holds the options whose code begins so
      settings.load = function (query, callback) {
        var url = searchUrl + "?q=" + encodeURIComponent(query);
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) {
            return response.ok ? response.json() : { results: [] };
          })
          .then(function (answer) {
            callback(answer.results);
          })
          .catch(function () {
            callback();
          });
      };
      settings.render.loading = function () {
        return '<div class="no-results">正在查找…</div>';
      };
      settings.render.not_loading = function () {
        return '<div class="no-results">请输入名称或区划代码查找</div>';
      };
    }
    new TomSelect(select, settings);
  });
});
