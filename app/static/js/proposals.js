/* Minyi proposals: show only the chosen department's services. The page works without this file. */
(function () {
  "use strict";
  function filterServices(departmentSelect) {
    var service = document.getElementById(departmentSelect.getAttribute("data-service-filter"));
    if (!service) { return; }
    var chosen = departmentSelect.value;
    var groups = service.querySelectorAll("optgroup");
    var selectedStillVisible = service.value === "";
    for (var i = 0; i < groups.length; i++) {
      var visible = groups[i].getAttribute("data-department") === chosen;
      groups[i].hidden = !visible;
      groups[i].disabled = !visible;
      if (visible && groups[i].querySelector("option:checked")) { selectedStillVisible = true; }
    }
    if (!selectedStillVisible) { service.value = ""; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var selects = document.querySelectorAll("select[data-service-filter]");
    for (var i = 0; i < selects.length; i++) {
      filterServices(selects[i]);
      selects[i].addEventListener("change", function (event) { filterServices(event.target); });
    }
  });
})();
