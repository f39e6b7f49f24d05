// Overstap advisor console: the live queue and the live conversation. Everything a person or an
// advisor wrote is put on the page with textContent only; nothing is ever parsed as HTML.
(function () {
  "use strict";

  var script = document.currentScript;
  var page = script && script.getAttribute("data-page");
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var QUEUE_MS = 3000;
  var TURNS_MS = 2000;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 401) { window.location.href = "/adviseur/login"; throw new Error("login"); }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
  }

  // -- the queue ----------------------------------------------------------------------------

  function claimForm(id) {
    var form = el("form");
    form.method = "post";
    form.action = "/adviseur/verzoek/" + encodeURIComponent(id) + "/oppakken";
    var token = el("input");
    token.type = "hidden";
    token.name = "csrf_token";
    token.value = csrf;
    form.appendChild(token);
    var button = el("button", "", "Oppakken");
    button.type = "submit";
    form.appendChild(button);
    return form;
  }

  function card(item, kind) {
    var li = el("li", "card card--" + kind);
    li.setAttribute("data-request", String(item.id));
    var head = el("p", "card__head");
    head.appendChild(el("strong", "", item.reason + (item.topic ? " (" + item.topic + ")" : "")));
    head.appendChild(document.createTextNode(" · " + item.channel + " · wacht " + item.waiting));
    li.appendChild(head);
    var question = el("p", "card__question usertext");
    question.appendChild(el("span", "label", "Vraag: "));
    question.appendChild(document.createTextNode(item.open_question || "–"));
    li.appendChild(question);
    if (item.profile.length) { li.appendChild(el("p", "card__profile usertext", item.profile.join(" · "))); }
    if (kind === "open") {
      li.appendChild(claimForm(item.id));
    } else if (kind === "mine") {
      var open = el("a", "button", "Open gesprek");
      open.href = "/adviseur/verzoek/" + encodeURIComponent(item.id);
      li.appendChild(open);
    } else {
      li.appendChild(el("p", "card__who", item.status_label));
    }
    return li;
  }

  function fill(listId, items, kind) {
    var list = document.getElementById(listId);
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (!items.length) { list.appendChild(el("li", "empty", list.getAttribute("data-empty"))); return; }
    items.forEach(function (item) { list.appendChild(card(item, kind)); });
  }

  function pollQueue() {
    getJSON("/adviseur/api/wachtrij").then(function (data) {
      fill("mine", data.mine, "mine");
      fill("open", data.open, "open");
      fill("others", data.others, "others");
      document.getElementById("updated").textContent = "Bijgewerkt om " + new Date().toLocaleTimeString("nl-NL") + ".";
    }).catch(function () {
      document.getElementById("updated").textContent = "Bijwerken lukt nu niet. Ik probeer het opnieuw.";
    }).then(function () { window.setTimeout(pollQueue, QUEUE_MS); });
  }

  // -- one conversation ---------------------------------------------------------------------

  var WHO = { person: "Persoon", bot: "Bot", system: "Systeem" };

  function turnItem(turn) {
    var li = el("li", "turn turn--" + turn.kind);
    li.setAttribute("data-index", String(turn.i));
    var who = turn.kind === "advisor" ? "Adviseur " + (turn.name || "") : (WHO[turn.kind] || turn.kind);
    var meta = el("span", "turn__meta", who + " · " + turn.time.slice(11, 16));
    li.appendChild(meta);
    li.appendChild(el("span", "turn__text usertext", turn.text));
    return li;
  }

  function startTakeover() {
    var live = document.querySelector(".live");
    var requestId = live.getAttribute("data-request");
    var list = document.getElementById("turns");
    var state = document.getElementById("state");
    var next = -1;
    var timer = null;

    function poll() {
      window.clearTimeout(timer);
      getJSON("/adviseur/api/verzoek/" + encodeURIComponent(requestId) + "/berichten?na=" + next)
        .then(function (data) {
          data.turns.forEach(function (turn) { list.appendChild(turnItem(turn)); });
          if (data.turns.length) { list.scrollTop = list.scrollHeight; }
          next = data.next;
          state.textContent = data.status_label;
          var form = document.getElementById("send");
          if (form && !data.mine) { form.querySelector("button").disabled = true; }
        })
        .catch(function () { state.textContent = "Bijwerken lukt nu niet. Ik probeer het opnieuw."; })
        .then(function () { timer = window.setTimeout(poll, TURNS_MS); });
    }

    var form = document.getElementById("send");
    if (form) {
      var text = document.getElementById("text");
      var error = document.getElementById("send-error");
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var value = text.value.trim();
        if (!value) { return; }
        var button = form.querySelector("button");
        button.disabled = true;
        error.textContent = "";
        fetch(form.action, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
          body: JSON.stringify({ text: value })
        }).then(function (response) {
          return response.json().then(function (body) {
            if (!response.ok) { throw new Error(body.error || "Versturen lukt niet."); }
            text.value = "";
          });
        }).catch(function (exc) {
          error.textContent = exc.message;
        }).then(function () {
          button.disabled = false;
          poll();
        });
      });
      text.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
      });
    }
    poll();
  }

  if (page === "queue") { pollQueue(); }
  if (page === "takeover") { startTakeover(); }
})();
