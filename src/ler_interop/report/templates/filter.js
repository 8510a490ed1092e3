// Outcome filters: show only checks whose outcome box is ticked; hide emptied groups.
(function () {
  var boxes = document.querySelectorAll("input[data-outcome-filter]");
  function apply() {
    var shown = {};
    boxes.forEach(function (box) { shown[box.getAttribute("data-outcome-filter")] = box.checked; });
    document.querySelectorAll(".check").forEach(function (el) {
      el.hidden = !shown[el.getAttribute("data-outcome")];
    });
    document.querySelectorAll(".group").forEach(function (group) {
      group.hidden = group.querySelectorAll(".check:not([hidden])").length === 0;
    });
  }
  boxes.forEach(function (box) { box.addEventListener("change", apply); });
  var only = document.getElementById("only-problems");
  if (only) {
    only.addEventListener("click", function () {
      boxes.forEach(function (box) {
        box.checked = ["fail", "error", "warn", "unexpected-pass"].indexOf(box.getAttribute("data-outcome-filter")) >= 0;
      });
      apply();
    });
  }
  var all = document.getElementById("show-all");
  if (all) {
    all.addEventListener("click", function () { boxes.forEach(function (box) { box.checked = true; }); apply(); });
  }
  apply();
})();
