// A long <select data-filter="label"> gets a text box above it: typing any part of a
// name (without minding case or accents: "can" finds "Cán") leaves only the matching
// options, shown as an open list. Without JavaScript the whole list stays usable,
// and the server checks the choice either way.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  function enhance(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.id = select.id + "_filter";
    box.autocomplete = "off";
    box.setAttribute("aria-controls", select.id);
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.textContent = select.dataset.filter;
    var status = document.createElement("p");
    status.id = select.id + "_filter_status";
    status.className = "filter-status";
    status.setAttribute("role", "status");
    box.setAttribute("aria-describedby", status.id);
    var wrapper = document.createElement("div");
    wrapper.className = "select-filter";
    wrapper.append(label, box, status);
    select.before(wrapper);

    var options = Array.prototype.slice.call(select.options);
    box.addEventListener("input", function () {
      var wanted = fold(box.value.trim());
      var shown = 0;
      options.forEach(function (option) {
        // The empty "— Chọn —" is no match: it stays for the closed list only.
        option.hidden = wanted !== "" && (!option.value || fold(option.text).indexOf(wanted) === -1);
        if (option.value && !option.hidden) shown += 1;
      });
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      // While filtering, the matches are shown open, so one click or arrow picks one.
      select.size = wanted ? Math.min(Math.max(shown, 2), 8) : 0;
      status.textContent = wanted ? select.dataset.filterCount.replace("{count}", shown) : "";
    });
    // Enter in the box picks the first match rather than sending the form.
    box.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault();
      var first = options.find(function (option) { return option.value && !option.hidden; });
      if (first) {
        first.selected = true;
        select.focus();
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("select[data-filter]"), enhance);
})();
