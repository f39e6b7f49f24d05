// Overstap chat page: talks to Rasa over socket.io. Messages are built with DOM nodes and
// textContent only; no text from any message is ever parsed as HTML.
(function () {
  "use strict";

  var main = document.querySelector(".chat");
  var log = document.getElementById("log");
  var status = document.getElementById("status");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var TOKEN_KEY = "overstap.session";
  var SAFE_LINK = /^(https?:|mailto:|tel:)/i;

  // Render a small safe subset of markdown: **bold**, [text](url) and line breaks.
  function renderInline(parent, text) {
    var pattern = /\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      if (match[1] !== undefined) {
        var strong = document.createElement("strong");
        strong.textContent = match[1];
        parent.appendChild(strong);
      } else if (SAFE_LINK.test(match[3])) {
        var link = document.createElement("a");
        link.textContent = match[2];
        link.href = match[3];
        link.rel = "noopener noreferrer";
        link.target = "_blank";
        parent.appendChild(link);
      } else {
        parent.appendChild(document.createTextNode(match[0]));
      }
      last = pattern.lastIndex;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function renderText(parent, text) {
    var lines = String(text).split("\n");
    var list = null;
    lines.forEach(function (line, i) {
      var item = /^\s*[-*] (.*)$/.exec(line);
      if (item) {
        if (!list) { list = document.createElement("ul"); parent.appendChild(list); }
        var li = document.createElement("li");
        renderInline(li, item[1]);
        list.appendChild(li);
        return;
      }
      list = null;
      if (i > 0 && parent.lastChild && parent.lastChild.nodeName !== "UL") {
        parent.appendChild(document.createElement("br"));
      }
      renderInline(parent, line);
    });
  }

  function addMessage(who, text) {
    var item = document.createElement("div");
    item.className = "msg msg--" + who;
    var label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = who === "user" ? "Jij: " : "Overstap: ";
    item.appendChild(label);
    var body = document.createElement("div");
    body.className = "msg__body";
    renderText(body, text);
    item.appendChild(body);
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
    return item;
  }

  function clearButtons() {
    Array.prototype.forEach.call(log.querySelectorAll(".buttons"), function (el) { el.remove(); });
  }

  function addButtons(buttons) {
    var box = document.createElement("div");
    box.className = "buttons";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Kies een antwoord");
    buttons.forEach(function (b) {
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "buttons__choice";
      btn.textContent = b.title;
      btn.addEventListener("click", function () { send(b.payload, b.title); });
      box.appendChild(btn);
    });
    log.appendChild(box);
    log.scrollTop = log.scrollHeight;
  }

  var socket = io(main.getAttribute("data-rasa-url"), { path: "/socket.io", transports: ["websocket", "polling"] });
  var sessionToken = sessionStorage.getItem(TOKEN_KEY);
  var ready = false;
  var queue = [];

  function send(payload, shown) {
    if (!payload) { return; }
    clearButtons();
    addMessage("user", shown || payload);
    if (!ready) { queue.push(payload); return; }
    socket.emit("user_uttered", { message: payload, session_id: sessionToken });
    status.textContent = "Overstap typt...";
  }

  socket.on("connect", function () {
    socket.emit("session_request", { session_id: sessionStorage.getItem(TOKEN_KEY) });
  });
  socket.on("session_confirm", function (token) {
    var isNew = token !== sessionStorage.getItem(TOKEN_KEY);
    sessionToken = token;
    sessionStorage.setItem(TOKEN_KEY, token);
    ready = true;
    status.textContent = "";
    while (queue.length) { socket.emit("user_uttered", { message: queue.shift(), session_id: token }); }
    if (isNew && !log.hasChildNodes()) {
      socket.emit("user_uttered", { message: "/greet", session_id: token });
    }
  });
  socket.on("connect_error", function () { status.textContent = "Geen verbinding. Ik probeer het opnieuw..."; });
  socket.on("disconnect", function () { ready = false; status.textContent = "Verbinding kwijt. Ik probeer het opnieuw..."; });
  socket.on("bot_uttered", function (message) {
    status.textContent = "";
    if (message && message.text) { addMessage("bot", message.text); }
    var buttons = (message && (message.quick_replies || message.buttons)) || [];
    if (buttons.length) { addButtons(buttons); }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    send(text);
  });
  Array.prototype.forEach.call(document.querySelectorAll(".chat__quick[data-payload]"), function (btn) {
    btn.addEventListener("click", function () { send(btn.getAttribute("data-payload"), btn.textContent); });
  });
  document.getElementById("clear").addEventListener("click", function () {
    sessionStorage.removeItem(TOKEN_KEY);
    window.location.reload();
  });
})();
