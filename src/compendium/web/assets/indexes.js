/*
 * The claims and evidence indexes, sortable and filterable. Written for this compendium, no dependencies.
 *
 * Without this script a reader gets the whole table, in its default order, and no controls: the page
 * works as it is. With it:
 * - the form the page carries (hidden: it does nothing without a script) is shown. Each of its selects
 *   but "order" filters the rows: a row is shown when the select is empty or its value is one of the
 *   words of the row's data attribute of the same name (data-verdict, data-topics...);
 * - "order" sorts the rows: "" is the page's own order, "<key>-asc" and "<key>-desc" by the row's
 *   data-sort-<key> (as numbers when they all are);
 * - a header cell with data-sort="<key>" becomes a button that sorts by that key, and says so (aria-sort);
 * - the choices are kept in the address (?verdict=misleading&side=critic), so a filtered list can be
 *   linked to and shared, and the home page's counts link to theirs.
 *
 * Material for MkDocs loads pages without reloading (navigation.instant) only when that feature is on;
 * document$ is then its signal that a page was loaded, and otherwise the page's own load is.
 */
(function () {
  "use strict";

  function setUp(index) {
    var form = index.querySelector("form[data-cx-filters]");
    var table = index.querySelector("table");
    if (!form || !table || !table.tBodies.length || index.hasAttribute("data-cx-ready")) return;
    index.setAttribute("data-cx-ready", "");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (row, i) { row.setAttribute("data-sort-default", String(i)); });
    var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
    var order = form.elements.namedItem("order");
    var count = form.querySelector("output");
    var none = index.querySelector("[data-cx-none]");
    var headers = Array.prototype.slice.call(table.tHead ? table.tHead.querySelectorAll("th[data-sort]") : []);

    headers.forEach(function (th) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "cx-sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var key = th.getAttribute("data-sort");
        var first = th.getAttribute("data-sort-first") || "asc";
        var other = first === "asc" ? "desc" : "asc";
        var next = key + "-" + (order.value === key + "-" + first ? other : first);
        if (!hasOption(order, next)) return;
        order.value = next;
        update(true);
      });
    });

    function hasOption(select, value) {
      return Array.prototype.some.call(select.options, function (o) { return o.value === value; });
    }

    function sortKey(row, key) {
      return row.getAttribute("data-sort-" + key) || "";
    }

    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var show = selects.every(function (select) {
          if (select === order || !select.value) return true;
          var words = (row.getAttribute("data-" + select.name) || "").split(" ");
          return words.indexOf(select.value) !== -1;
        });
        row.hidden = !show;
        if (show) shown += 1;
      });
      var parts = (order.value || "default-asc").match(/^(.*)-(asc|desc)$/) || [null, "default", "asc"];
      var key = parts[1], sign = parts[2] === "desc" ? -1 : 1;
      var numeric = rows.every(function (row) { return sortKey(row, key) !== "" && !isNaN(Number(sortKey(row, key))); });
      var sorted = rows.slice().sort(function (a, b) {
        var x = sortKey(a, key), y = sortKey(b, key);
        var by = numeric ? Number(x) - Number(y) : x.localeCompare(y);
        return sign * by || Number(sortKey(a, "default")) - Number(sortKey(b, "default"));
      });
      sorted.forEach(function (row) { body.appendChild(row); });
      headers.forEach(function (th) {
        var k = th.getAttribute("data-sort");
        if (k === key) th.setAttribute("aria-sort", sign > 0 ? "ascending" : "descending");
        else th.removeAttribute("aria-sort");
      });
      if (count) count.textContent = shown + " of " + rows.length + " " + (count.getAttribute("data-noun") || "");
      if (none) none.hidden = shown !== 0;
    }

    function update(remember) {
      apply();
      if (!remember || !window.history || !history.replaceState) return;
      var url = new URL(window.location.href);
      selects.forEach(function (select) {
        if (select.value) url.searchParams.set(select.name, select.value);
        else url.searchParams.delete(select.name);
      });
      history.replaceState(history.state, "", url.pathname + url.search + url.hash);
    }

    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (select) {
      var wanted = params.get(select.name);
      if (wanted !== null && hasOption(select, wanted)) select.value = wanted;
    });
    form.addEventListener("change", function () { update(true); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () { window.setTimeout(function () { update(true); }, 0); });
    form.hidden = false;
    apply();
  }

  function setUpSearchPrompt(prompt) {
    // The home page's search box: sent, it reloads the page with ?q=, which Material's search opens with.
    prompt.hidden = false;
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-cx-index]"), setUp);
    Array.prototype.forEach.call(document.querySelectorAll("form.cx-search-prompt"), setUpSearchPrompt);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(start);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
