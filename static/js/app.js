// Progressive enhancement only: every form works without this file.
document.addEventListener("DOMContentLoaded", () => {
  document.documentElement.dataset.enhanced = "true";
  // Change the language as soon as one is picked; the button stays for keyboards and no-JS.
  for (const select of document.querySelectorAll(".locale-form select")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
  // Ask before irreversible actions; without JavaScript the server still refuses what it must.
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
  // Guard against double submits of the same form (two clicks, impatient Enter). A submit
  // that was called off (a confirmation answered "Cancel") leaves the buttons usable.
  for (const form of document.querySelectorAll("form[method=post]")) {
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return;
      for (const button of form.querySelectorAll("button[type=submit]")) {
        setTimeout(() => { if (!event.defaultPrevented) button.disabled = true; }, 0);
      }
    });
  }
  // The standard message follows the chosen status, unless the organiser already edited it.
  for (const select of document.querySelectorAll("select[data-messages]")) {
    const messages = JSON.parse(select.dataset.messages);
    const box = document.getElementById(select.dataset.target);
    select.addEventListener("change", () => {
      if (box && Object.values(messages).includes(box.value)) box.value = messages[select.value] || "";
    });
  }
  // "Tick every application on this page": shown only with JavaScript; without it the form's
  // scope choice ("all on this page") does the same on the server.
  for (const all of document.querySelectorAll("input[data-select-all]")) {
    const boxes = () => all.form.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]`);
    all.hidden = false;
    all.checked = boxes().length > 0 && [...boxes()].every((box) => box.checked);
    all.addEventListener("change", () => {
      for (const box of boxes()) box.checked = all.checked;
    });
    for (const box of boxes()) {
      box.addEventListener("change", () => { all.checked = [...boxes()].every((b) => b.checked); });
    }
  }
});
