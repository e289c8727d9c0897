// wushe's own behaviour; no inline scripts are allowed by the CSP.
document.addEventListener("change", (e) => {
  if (e.target.matches("select[data-autosubmit]")) e.target.form.requestSubmit();
});
document.addEventListener("submit", (e) => {
  const form = e.target;
  let msg = form.getAttribute("data-confirm");
  // Ask only when a given checkbox is being unticked (e.g. disabling an account).
  const watched = form.getAttribute("data-confirm-unchecked");
  if (watched) {
    const box = form.elements[watched];
    msg = box && box.defaultChecked && !box.checked ? form.getAttribute("data-confirm-message") : null;
  }
  if (msg && !window.confirm(msg)) e.preventDefault();
});
// A refusal the server explains in plain words (400 bad input, 429 too many) is shown where
// the answer would have gone; htmx would otherwise drop it silently.
document.addEventListener("htmx:beforeSwap", (e) => {
  const status = e.detail.xhr.status;
  if ((status === 400 || status === 429) && e.detail.elt.closest("[data-show-refusals]")) {
    e.detail.shouldSwap = true;
    e.detail.isError = false;
  }
});
