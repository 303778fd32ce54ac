// The venue time zone field as a searchable combobox (the WAI-ARIA combobox pattern with a
// list box): typing "baku" or "new york" lists the matching IANA zones; Up and Down move
// through them, Enter or a click picks one, Escape closes the list. The zones come from the
// field's <datalist>, which is what browsers without this script search instead; the
// server checks the name either way.
"use strict";

const MAX_SHOWN = 12;

function enhance(input) {
  const datalist = document.getElementById(input.getAttribute("list"));
  if (!datalist) {
    return;
  }
  const zones = [...datalist.options].map((option) => option.value);
  const listbox = document.createElement("ul");
  listbox.id = `${input.id}-listbox`;
  listbox.className = "zone-listbox";
  listbox.setAttribute("role", "listbox");
  listbox.setAttribute("aria-label", "Matching time zones");
  listbox.hidden = true;
  input.after(listbox);
  input.removeAttribute("list");
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", listbox.id);
  input.setAttribute("aria-expanded", "false");
  let active = -1;

  const norm = (text) => text.toLowerCase().replaceAll("_", " ").trim();
  const options = () => [...listbox.children];

  function close() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    const items = options();
    items.forEach((item, i) => item.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0 && items[index]) {
      input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function pick(zone) {
    input.value = zone;
    close();
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function search() {
    const query = norm(input.value);
    listbox.replaceChildren();
    const found = query ? zones.filter((zone) => norm(zone).includes(query)).slice(0, MAX_SHOWN) : [];
    found.forEach((zone, i) => {
      const item = document.createElement("li");
      item.id = `${listbox.id}-${i}`;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.textContent = zone;
      item.addEventListener("mousedown", (event) => {
        event.preventDefault(); // keep the focus in the field
        pick(zone);
      });
      listbox.append(item);
    });
    if (found.length === 0 || (found.length === 1 && found[0] === input.value)) {
      close();
      return;
    }
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(-1);
  }

  input.addEventListener("input", search);
  input.addEventListener("blur", close);
  input.addEventListener("keydown", (event) => {
    const count = options().length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (listbox.hidden) {
        search();
      }
      if (count === 0 && options().length === 0) {
        return;
      }
      event.preventDefault();
      const total = options().length;
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight((active + step + total) % total);
    } else if (event.key === "Enter" && !listbox.hidden && active >= 0) {
      event.preventDefault(); // picks the zone; a second Enter submits the form
      pick(options()[active].textContent);
    } else if (event.key === "Escape" && !listbox.hidden) {
      event.preventDefault();
      close();
    }
  });
}

document.querySelectorAll("input[data-zone-search]").forEach(enhance);
