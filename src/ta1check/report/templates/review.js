/* Filters of the review page: by status, by finding code, by text. Without this script every
   claim is shown and the (hidden) filter form stays out of the way. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var claims = Array.prototype.slice.call(document.querySelectorAll("article.claim"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("section.group"));
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=status]"));
  var code = document.getElementById("f-code");
  var text = document.getElementById("f-text");
  var shown = document.getElementById("f-shown");
  var haystack = null;
  var pending = false;

  function apply() {
    pending = false;
    var wanted = {};
    boxes.forEach(function (b) { wanted[b.value] = b.checked; });
    var slug = code.value;
    var query = text.value.trim().toLowerCase();
    if (query && haystack === null) {
      haystack = claims.map(function (c) { return c.textContent.toLowerCase(); });
    }
    var count = 0;
    claims.forEach(function (c, i) {
      var visible = wanted[c.dataset.status] !== false &&
        (!slug || (" " + c.dataset.codes + " ").indexOf(" " + slug + " ") >= 0) &&
        (!query || haystack[i].indexOf(query) >= 0);
      c.hidden = !visible;
      if (visible) { count += 1; }
    });
    groups.forEach(function (g) {
      g.hidden = g.querySelector("article.claim:not([hidden])") === null;
    });
    shown.textContent = count + " of " + claims.length + " claims shown";
  }

  function later() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(apply);
    }
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.hidden = false;
  apply();
}());
