// The status form's reasons and incidents apply only to a status that says a pledge is not
// (fully) kept (the status select's data-non-fulfilment lists them). For any other status
// they are hidden and disabled, so that boxes ticked earlier are not sent. Without this
// script they stay visible and the service refuses them with another status.
"use strict";

document.querySelectorAll("select[data-non-fulfilment]").forEach((select) => {
  const statuses = select.dataset.nonFulfilment.split(" ");
  const groups = select.form.querySelectorAll("[data-non-fulfilment-only]");
  const update = () => {
    const applies = statuses.includes(select.value);
    groups.forEach((group) => {
      group.hidden = !applies;
      group.disabled = !applies;
    });
  };
  select.addEventListener("change", update);
  update();
});
