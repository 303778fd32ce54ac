// The commitments entry page (commitments/entry_pages.py): add, move and remove rows, show
// the deadline fields of the chosen kind, and ask the server for each row's due moment as
// the analyst types (one rule: the project's, in commitments/due_preview.py). Without this
// script the page still works with its fixed blank rows.
(function () {
  "use strict";
  const form = document.getElementById("commitment-rows");
  if (!form) return;
  const rows = document.getElementById("rows");
  const template = document.getElementById("row-template");
  const total = form.querySelector("input[name=rows-TOTAL_FORMS]");
  const announce = document.getElementById("rows-announce");
  const addButton = document.getElementById("add-row");
  const known = document.getElementById("known-references");
  const ROW_PREFIX = /rows-(\d+x?|__prefix__)-/g;
  const PREVIEW_DELAY = 300;

  function allRows() {
    return Array.from(rows.querySelectorAll(":scope > [data-row]"));
  }

  function field(row, name) {
    return row.querySelector(`[name$="-${name}"]`);
  }

  function kindOf(row) {
    const checked = row.querySelector('input[type=radio][name$="-deadline"]:checked');
    return checked ? checked.value : "none";
  }

  function renamePrefix(row, prefix) {
    row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach((el) => {
      for (const attr of ["name", "id", "for", "aria-describedby"]) {
        const value = el.getAttribute(attr);
        if (value && value.includes("rows-")) el.setAttribute(attr, value.replace(ROW_PREFIX, prefix));
      }
    });
  }

  // Names, ids and label targets follow a row's position, which is what the formset reads.
  // Two passes: a row must never share its deadline radios' name with another row, even
  // for a moment, or the browser unchecks one of the two groups.
  function renumber() {
    allRows().forEach((row, i) => renamePrefix(row, `rows-${i}x-`));
    allRows().forEach((row, i) => {
      renamePrefix(row, `rows-${i}-`);
      row.querySelectorAll("[data-number]").forEach((el) => { el.textContent = String(i + 1); });
      const buttons = row.querySelectorAll("[data-action]");
      buttons[0].disabled = i === 0;
      buttons[1].disabled = i === allRows().length - 1;
    });
    total.value = String(allRows().length);
    refreshReferences();
  }

  // The datalist of references offers the agreement's commitments and this page's rows.
  function refreshReferences() {
    known.querySelectorAll("option[data-row-reference]").forEach((o) => o.remove());
    const existing = new Set(Array.from(known.options).map((o) => o.value));
    for (const row of allRows()) {
      const ref = field(row, "reference").value.trim();
      if (ref && !existing.has(ref)) {
        const option = document.createElement("option");
        option.value = ref;
        option.dataset.rowReference = "";
        known.append(option);
        existing.add(ref);
      }
    }
  }

  function showDeadlineParts(row) {
    const kind = kindOf(row);
    const shown = { date: kind === "date", days: kind === "days" || kind === "after", after: kind === "after", note: kind !== "none" };
    for (const [part, visible] of Object.entries(shown)) {
      row.querySelector(`[data-part="${part}"]`).hidden = !visible;
    }
    row.querySelector('[data-part="condition"]').hidden = field(row, "nature").value !== "conditional" && !field(row, "condition").value;
  }

  function fulfilledOn(reference) {
    const option = Array.from(known.options).find((o) => o.value === reference && o.dataset.fulfilledOn);
    return option ? option.dataset.fulfilledOn : "";
  }

  async function preview(row) {
    const output = row.querySelector("[data-due]");
    const kind = kindOf(row);
    if (kind === "none") { output.textContent = "No deadline."; return; }
    const params = new URLSearchParams({ signed_on: form.dataset.signedOn, timezone: form.dataset.timezone });
    if (kind === "date") params.set("date", field(row, "deadline_date").value);
    else params.set("days", field(row, "deadline_days").value);
    if (kind === "after") {
      const after = field(row, "deadline_after").value.trim();
      params.set("after", after);
      const fulfilled = fulfilledOn(after);
      if (fulfilled) params.set("after_fulfilled_on", fulfilled);
    }
    const asked = (row.previewCount = (row.previewCount || 0) + 1);
    let text;
    try {
      const response = await fetch(`${form.dataset.dueUrl}?${params}`, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      const body = await response.json();
      text = response.ok ? body.text : "Not computed yet: " + [...new Set(Object.values(body.errors || {}).flat())].join(" ");
    } catch (error) {
      text = "Not computed: the server did not answer.";
    }
    if (asked === row.previewCount) output.textContent = text;  // an older answer arriving late is dropped
  }

  function schedulePreview(row) {
    clearTimeout(row.previewTimer);
    row.previewTimer = setTimeout(() => preview(row), PREVIEW_DELAY);
  }

  function setUp(row) {
    row.querySelector("[data-row-actions]").hidden = false;
    showDeadlineParts(row);
    row.addEventListener("input", (event) => onEdit(row, event));
    row.addEventListener("change", (event) => onEdit(row, event));
    row.addEventListener("click", (event) => {
      const button = event.target.closest("[data-action]");
      if (button) act(row, button.dataset.action);
    });
  }

  function onEdit(row, event) {
    const name = event.target.name || "";
    if (name.endsWith("-deadline") || name.endsWith("-nature")) showDeadlineParts(row);
    if (name.endsWith("-reference")) refreshReferences();
    if (/-(deadline|deadline_date|deadline_days|deadline_after)$/.test(name)) schedulePreview(row);
  }

  function act(row, action) {
    const number = allRows().indexOf(row) + 1;
    if (action === "remove") {
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumber();
      announce.textContent = `Commitment ${number} removed.`;
      (next ? next.querySelector("input, textarea, select") : addButton).focus();
      return;
    }
    const sibling = action === "up" ? row.previousElementSibling : row.nextElementSibling;
    if (!sibling) return;
    if (action === "up") rows.insertBefore(row, sibling); else rows.insertBefore(sibling, row);
    renumber();
    announce.textContent = `Commitment ${number} moved to position ${allRows().indexOf(row) + 1}.`;
    // Keep the focus on the same button, or on its pair when this one is now disabled.
    const same = row.querySelector(`[data-action="${action}"]`);
    (same.disabled ? row.querySelector(`[data-action="${action === "up" ? "down" : "up"}"]`) : same).focus();
  }

  function addRow() {
    const index = allRows().length;
    const html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
    const holder = document.createElement("div");
    holder.innerHTML = html.trim();
    const row = holder.firstElementChild;
    rows.append(row);
    setUp(row);
    renumber();
    announce.textContent = `Commitment ${index + 1} added.`;
    field(row, "reference").focus();
  }

  // A fresh page keeps one blank row; the others were for browsers without this script.
  if (form.hasAttribute("data-fresh")) allRows().slice(1).forEach((row) => row.remove());
  allRows().forEach(setUp);
  renumber();
  addButton.hidden = false;
  addButton.addEventListener("click", addRow);
})();
