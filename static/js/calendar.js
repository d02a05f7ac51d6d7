// The provider's calendar: arrow keys move focus between the days of the grid.
// Progressive: without it, every event is still a link reached by Tab.
(function () {
  "use strict";
  const grid = document.querySelector("[data-calendar-grid]");
  if (!grid) return;
  const cells = Array.from(grid.querySelectorAll(".cal-cell"));
  const steps = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };
  grid.addEventListener("keydown", function (event) {
    const step = steps[event.key];
    if (step === undefined) return;
    const cell = event.target.closest(".cal-cell");
    if (!cell) return;
    const target = cells[cells.indexOf(cell) + step];
    if (!target) return;
    event.preventDefault();
    const link = target.querySelector("a.cal-event");
    (link || target).focus();
  });
})();
