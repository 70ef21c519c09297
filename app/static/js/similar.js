/* Minyi: "similar items" while typing, so a citizen can support an existing
   thread instead of posting a duplicate.

   <input data-similar-kind="proposal" data-similar-target="#similar-threads">
   <ul id="similar-threads" aria-live="polite" data-similar-heading="…"></ul>

   After a pause in typing (at least 4 characters), asks
   /api/v1/search/similar?text=…&kind=… and shows up to 5 links in the target
   list. Nothing happens when the target is missing; the page works without
   this file. Text is inserted with textContent only, never as HTML. */
(function () {
  "use strict";

  var MIN_LENGTH = 4;
  var DELAY_MS = 350;
  var MAX_TEXT = 200;
  var ENDPOINT = "/api/v1/search/similar";

  function targetOf(input) {
    var selector = input.getAttribute("data-similar-target");
    if (!selector) { return null; }
    try {
      return document.querySelector(selector);
    } catch (error) {  // an invalid selector must not break the page
      return null;
    }
  }

  function clear(list) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
  }

  function isSitePath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/";
  }

  function render(list, items) {
    clear(list);
    var links = [];
    for (var i = 0; i < items.length && links.length < 5; i += 1) {
      var item = items[i];
      if (item && isSitePath(item.url) && typeof item.title === "string") {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = item.url;
        a.textContent = item.title;
        li.appendChild(a);
        links.push(li);
      }
    }
    if (!links.length) { return; }
    var heading = list.getAttribute("data-similar-heading");
    if (heading) {
      var first = document.createElement("li");
      first.className = "similar-heading";
      first.textContent = heading;
      list.appendChild(first);
    }
    for (var j = 0; j < links.length; j += 1) { list.appendChild(links[j]); }
  }

  function lookup(input) {
    var list = targetOf(input);
    if (!list) { return; }
    if (!list.hasAttribute("aria-live")) { list.setAttribute("aria-live", "polite"); }
    var text = input.value.replace(/^\s+|\s+$/g, "");
    var sequence = (input.minyiSimilarSequence || 0) + 1;
    input.minyiSimilarSequence = sequence;
    if (text.length < MIN_LENGTH || !window.fetch) {
      clear(list);
      return;
    }
    var query = "text=" + encodeURIComponent(text.slice(0, MAX_TEXT)) +
      "&kind=" + encodeURIComponent(input.getAttribute("data-similar-kind") || "");
    var exclude = input.getAttribute("data-similar-exclude");
    if (exclude) { query += "&exclude=" + encodeURIComponent(exclude); }
    window.fetch(ENDPOINT + "?" + query, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { items: [] }; })
      .then(function (data) {
        if (input.minyiSimilarSequence === sequence) {  // ignore answers to older keystrokes
          render(list, (data && data.items) || []);
        }
      })
      .catch(function () { /* offline or server error: show nothing */ });
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input || !input.hasAttribute || !input.hasAttribute("data-similar-kind")) { return; }
    if (!targetOf(input)) { return; }
    window.clearTimeout(input.minyiSimilarTimer);
    input.minyiSimilarTimer = window.setTimeout(function () { lookup(input); }, DELAY_MS);
  });
})();
