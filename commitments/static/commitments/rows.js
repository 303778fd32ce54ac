// The agreement form's "Add a party / source / relation" buttons, in place: a blank row
// is copied from the list's <template> (Django's empty form, "__prefix__" for its index),
// the list's TOTAL_FORMS grows by one, and the new row's first field takes the focus.
// Without this script the same buttons post the form and the page comes back with one
// more row.
"use strict";

document.querySelectorAll("[data-rows]").forEach((section) => {
  const prefix = section.dataset.rows;
  const total = section.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
  const template = section.querySelector("template[data-empty-row]");
  const list = section.querySelector("[data-row-list]");
  const button = section.querySelector("[data-add-row]");
  if (!total || !template || !list || !button) {
    return;
  }
  button.type = "button"; // Enter in a field now submits with Save, the form's first submit button
  button.addEventListener("click", () => {
    const index = Number(total.value);
    const html = template.innerHTML.replaceAll("__prefix__", String(index)).replaceAll("__number__", String(index + 1));
    list.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const row = list.lastElementChild;
    const first = row && row.querySelector("input, select, textarea");
    if (first) {
      first.focus();
    }
  });
});
