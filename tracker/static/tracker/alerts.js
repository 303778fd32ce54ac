// "Select all" on an alerts table: shown only when this script runs (without it the
// boxes are ticked one by one). Toggles every box of its own form.
document.querySelectorAll("[data-alert-form]").forEach((form) => {
  const button = form.querySelector("[data-select-all]");
  const boxes = () => Array.from(form.querySelectorAll('input[type="checkbox"][name="alert"]'));
  if (!button || boxes().length === 0) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    const tick = !boxes().every((box) => box.checked);
    boxes().forEach((box) => { box.checked = tick; });
    button.textContent = tick ? "Select none" : "Select all";
  });
});
