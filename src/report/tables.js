// Search and paging for tables marked data-paged (the report's one script).
document.querySelectorAll("table[data-paged]").forEach(function (table) {
  var size = parseInt(table.getAttribute("data-paged"), 10) || 25;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var search = document.getElementById(table.id + "-search");
  var pager = document.getElementById(table.id + "-pager");
  var page = 0;
  function matching() {
    var q = search ? search.value.trim().toLowerCase() : "";
    return rows.filter(function (r) { return !q || r.cells[0].textContent.toLowerCase().indexOf(q) >= 0; });
  }
  function show() {
    var hits = matching();
    var pages = Math.max(1, Math.ceil(hits.length / size));
    page = Math.min(page, pages - 1);
    rows.forEach(function (r) { r.style.display = "none"; });
    hits.slice(page * size, (page + 1) * size).forEach(function (r) { r.style.display = ""; });
    if (pager) {
      pager.querySelector("span").textContent = "page " + (page + 1) + " of " + pages + " (" + hits.length + " rows)";
    }
  }
  if (search) { search.addEventListener("input", function () { page = 0; show(); }); }
  if (pager) {
    pager.querySelector("[data-prev]").addEventListener("click", function () { page = Math.max(0, page - 1); show(); });
    pager.querySelector("[data-next]").addEventListener("click", function () { page += 1; show(); });
  }
  show();
});
