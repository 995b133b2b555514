// Shows the industry field only to businesses; without script every field stays visible.
(function () {
  var radios = document.querySelectorAll('input[name="requester_type"]');
  var industry = document.querySelector(".dx-only-business");
  if (!radios.length || !industry) return;
  function update() {
    var checked = document.querySelector('input[name="requester_type"]:checked');
    industry.hidden = !!checked && checked.value !== "business";
  }
  radios.forEach(function (r) { r.addEventListener("change", update); });
  update();
})();
