// Django's autocomplete boxes (select2) name their combobox by a text box that has
// no name of its own: give each box its field's label, so a screen reader says
// "Cán bộ" rather than nothing (axe: aria-input-field-name).
(function () {
  function name() {
    document.querySelectorAll(".select2-selection__rendered[role=textbox]:not([aria-label])").forEach(function (box) {
      var id = box.id.replace(/^select2-/, "").replace(/-container$/, "");
      var label = document.querySelector('label[for="' + id + '"]');
      var select = document.getElementById(id);
      var text = label ? label.textContent.replace(/:\s*$/, "").trim() : select && select.getAttribute("aria-label");
      if (text) box.setAttribute("aria-label", text);
    });
  }
  new MutationObserver(name).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", name);
})();
