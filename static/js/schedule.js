// The schedule form: the provider choice follows the client's care team, and homework
// rows can be added. The server checks both either way.
(function () {
  "use strict";
  var form = document.getElementById("schedule-form");
  if (!form) return;
  var teams = JSON.parse(document.getElementById("care-teams").textContent);
  var client = form.querySelector("[name=client]");
  var provider = form.querySelector("[name=provider]");

  function followClient() {
    var team = teams[client.value] || null;
    Array.prototype.forEach.call(provider.options, function (option) {
      if (!option.value) return;
      var allowed = team === null || team.indexOf(option.value) !== -1;
      option.hidden = !allowed;
      option.disabled = !allowed;
    });
    if (provider.selectedOptions.length && provider.selectedOptions[0].disabled) {
      provider.value = "";
    }
  }
  client.addEventListener("change", followClient);
  followClient();

  var total = form.querySelector("[name=homework-TOTAL_FORMS]");
  var template = document.getElementById("homework-template");
  var list = document.getElementById("homework-forms");
  document.getElementById("add-homework").addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, index).replace(/__num__/g, index + 1);
    list.insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
    var first = list.lastElementChild.querySelector("input");
    if (first) first.focus();
  });
})();
