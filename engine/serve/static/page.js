// The operator's page works without this script; it only keeps the inputs of a question consistent:
// "don't know" clears and disables its answer, "none of these" clears the other boxes (and back).
document.addEventListener("change", function (event) {
  var box = event.target;
  var q = box.closest && box.closest("fieldset.q");
  if (!q) return;
  if (box.hasAttribute("data-dk")) {
    q.querySelectorAll("input[name^='a.']").forEach(function (input) {
      if (input.type === "checkbox" || input.type === "radio") { if (box.checked) input.checked = false; }
      input.disabled = box.checked;
    });
  } else if (box.hasAttribute("data-none") && box.checked) {
    q.querySelectorAll("input[name^='a.']").forEach(function (input) { if (input !== box) input.checked = false; });
  } else if (box.type === "checkbox" && box.checked) {
    var none = q.querySelector("input[data-none]");
    if (none) none.checked = false;
  }
});
