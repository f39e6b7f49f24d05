// Overstap chat widget: a chat button and panel for any web page, talking to Rasa over socket.io.
// Served inside /widget.js (bot/web/app.py), which defines OVERSTAP_IO (the socket.io client),
// OVERSTAP_CONFIG (with the widget's Dutch texts from bot/web/texts.yml) and OVERSTAP_SCRIPT
// before this code. Everything lives in a Shadow DOM, so the host page's CSS and ours do not
// meet. Every message is built from DOM nodes and textContent: no text from any message is ever
// parsed as HTML.
(function widget(io, config, script) {
  "use strict";

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { widget(io, config, script); });
    return;
  }
  if (window.__overstapWidget) { return; }
  window.__overstapWidget = true;

  var KEY = "overstap.session";
  var OPEN_KEY = "overstap.open";
  var ROUTE_KEY = "overstap.route";
  var SAFE_LINK = /^(https?:|mailto:|tel:)/i;
  var WEB_LINK = /^https?:/i;
  var DEFAULT_COLOR = "#004c80";
  var FOCUS_COLOR = "#b35900";
  var BUBBLE = "#edf1f5";
  var T = config.texts;

  // Fills {title} and {name} into a text of bot/web/texts.yml.
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all;
    });
  }

  // "Ik snap het niet" is about the bot's words, not the question's answer: it takes the
  // reading-help path (say it simpler, then offer a person), never "I don't know" to a question.
  var HELP_BUTTONS = [
    { title: T.request_human, payload: "/request_human" },
    { title: T.reading_trouble, payload: "/signal_reading_trouble" }
  ];

  // A bot button that is the same as a footer button would show twice on a small screen. A
  // button with the same payload under another title ("Ja, graag" to "Wil je met een adviseur
  // praten?") answers the bot's question, so it stays.
  function inFooter(choice) {
    return HELP_BUTTONS.some(function (help) {
      return help.payload === String(choice.payload) && help.title === String(choice.title);
    });
  }

  // ---- settings from the script tag -------------------------------------------------------

  function attr(name, fallback) {
    var value = script && script.getAttribute("data-" + name);
    return value && value.trim() ? value.trim() : fallback;
  }

  function scriptOrigin() {
    try { return new URL(script.src, window.location.href).origin; } catch (e) { return window.location.origin; }
  }

  var server = attr("server", scriptOrigin()).replace(/\/+$/, "");
  var title = attr("title", T.title);
  var greeting = attr("greeting", "");
  var inlineTarget = attr("inline", "");
  var inlineHost = inlineTarget ? document.querySelector(inlineTarget) : null;
  var inline = Boolean(inlineHost);

  // ---- colours: any brand colour, text that stays readable on it (WCAG AA) -----------------

  function validColor(value) {
    if (!/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(value || "")) { return null; }
    if (value.length === 4) {
      value = "#" + value[1] + value[1] + value[2] + value[2] + value[3] + value[3];
    }
    return value.toLowerCase();
  }

  function channels(hex) {
    return [1, 3, 5].map(function (i) { return parseInt(hex.substr(i, 2), 16); });
  }

  function luminance(hex) {
    var c = channels(hex).map(function (v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  function contrast(a, b) {
    var la = luminance(a);
    var lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  function darker(hex) {
    return "#" + channels(hex).map(function (v) {
      var s = Math.floor(v * 0.85).toString(16);
      return s.length < 2 ? "0" + s : s;
    }).join("");
  }

  // The brand colour darkened until it reads as text on a light background.
  function readableOn(background, hex) {
    for (var i = 0; i < 30 && contrast(hex, background) < 4.6; i++) { hex = darker(hex); }
    return hex;
  }

  var brand = validColor(attr("color", "")) || DEFAULT_COLOR;
  var onBrand = contrast(brand, "#ffffff") >= contrast(brand, "#1a1a1a") ? "#ffffff" : "#1a1a1a";
  var accent = readableOn(BUBBLE, brand);
  var focus = validColor(attr("focus-color", "")) || FOCUS_COLOR;

  // ---- small DOM helpers ------------------------------------------------------------------

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function hiddenText(text) {
    return el("span", { "class": "visually-hidden" }, text);
  }

  // ---- the widget's own DOM, inside a shadow root -----------------------------------------

  var host = el("overstap-chat", { lang: "nl", "data-mode": inline ? "inline" : "floating" });
  host.style.setProperty("--ov-brand", brand);
  host.style.setProperty("--ov-on-brand", onBrand);
  host.style.setProperty("--ov-accent", accent);
  host.style.setProperty("--ov-focus", focus);
  var shadow = host.attachShadow({ mode: "open" });
  var stylesheet = el("link", { rel: "stylesheet", href: server + "/static/widget.css" });
  shadow.appendChild(stylesheet);

  var root = el("section", {
    "class": "root" + (inline ? " root--inline" : ""), lang: "nl", "aria-label": fill(T.panel_label, { title: title })
  });
  root.hidden = true; // shown when the stylesheet is there
  var launcher = el("button", {
    type: "button", "class": "launcher", "aria-expanded": "false", "aria-controls": "panel"
  });
  launcher.appendChild(el("span", { "class": "launcher__text" }, T.launcher));
  var badge = el("span", { "class": "launcher__badge" }, T.new_message);
  badge.hidden = true;
  launcher.appendChild(badge);

  var panel = el("div", { id: "panel", "class": "panel" });
  if (!inline) {
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-modal", "false");
    panel.setAttribute("aria-labelledby", "title");
  }
  var header = el("div", { "class": "header" });
  var heading = el(inline ? "h1" : "h2", { id: "title", "class": "header__title" }, title);
  header.appendChild(heading);
  header.appendChild(el("p", { "class": "header__note" }, T.bot_note));
  var closeButton = el("button", { type: "button", "class": "header__close" }, T.close);
  closeButton.appendChild(hiddenText(" " + T.close_hidden));
  if (!inline) { header.appendChild(closeButton); }

  var log = el("div", {
    "class": "log", role: "log", "aria-live": "polite", "aria-label": T.log_label, tabindex: "0"
  });
  var typing = el("div", { "class": "typing" });
  typing.appendChild(el("span", { "class": "typing__dot", "aria-hidden": "true" }));
  typing.appendChild(el("span", { "class": "typing__dot", "aria-hidden": "true" }));
  typing.appendChild(el("span", { "class": "typing__dot", "aria-hidden": "true" }));
  typing.appendChild(hiddenText(T.typing));
  typing.hidden = true;
  var status = el("p", { "class": "status", role: "status" });

  var form = el("form", { "class": "composer", autocomplete: "off" });
  form.appendChild(el("label", { "for": "message", "class": "composer__label" }, T.message_label));
  var input = el("input", { id: "message", name: "message", type: "text", maxlength: "1000" });
  var sendButton = el("button", { type: "submit", "class": "composer__send" }, T.send);
  var row = el("div", { "class": "composer__row" });
  row.appendChild(input);
  row.appendChild(sendButton);
  form.appendChild(row);

  var footer = el("div", { "class": "footer", role: "group", "aria-label": T.help_label });
  HELP_BUTTONS.forEach(function (help) {
    var button = el("button", { type: "button", "class": "footer__button" }, help.title);
    button.addEventListener("click", function () { send(help.payload, help.title); });
    footer.appendChild(button);
  });
  var clearButton = el("button", { type: "button", "class": "footer__button footer__button--clear" }, T.clear);
  footer.appendChild(clearButton);

  [header, log, typing, status, form, footer].forEach(function (part) { panel.appendChild(part); });
  if (!inline) { root.appendChild(launcher); }
  root.appendChild(panel);
  shadow.appendChild(root);

  function reveal() { root.hidden = false; }
  stylesheet.addEventListener("load", reveal);
  stylesheet.addEventListener("error", reveal);
  window.setTimeout(reveal, 3000);

  // ---- rendering a message: a small safe subset of markdown, built from DOM nodes ----------

  function makeLink(text, href) {
    var link = el("a", { href: href }, text);
    if (WEB_LINK.test(href)) {
      link.setAttribute("target", "_blank");
      link.setAttribute("rel", "noopener noreferrer");
      link.appendChild(hiddenText(" " + T.new_window));
    }
    return link;
  }

  // **bold** and [text](url); a link with any other scheme stays plain text.
  function renderInline(parent, text) {
    var pattern = /\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      if (match[1] !== undefined) {
        parent.appendChild(el("strong", {}, match[1]));
      } else if (SAFE_LINK.test(match[3])) {
        parent.appendChild(makeLink(match[2], match[3]));
      } else {
        parent.appendChild(document.createTextNode(match[0]));
      }
      last = pattern.lastIndex;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  var BULLET = /^\s*[-*\u2022] +(.*)$/;
  var NUMBERED = /^\s*\d{1,2}[.)] +(.*)$/;
  var LINK_LINE = /^\s*\[([^\]]+)\]\(([^)\s]+)\)\s*$/;
  var TITLE_LINE = /^\*\*[^*]+\*\*\s*$/;

  // Paragraphs at blank lines, bullet and numbered lists, and a line that is only a link as
  // a block of its own (the "Meer informatie" of a course result).
  function renderText(parent, text) {
    String(text).replace(/\r\n?/g, "\n").split(/\n{2,}/).forEach(function (block) {
      var paragraph = null;
      var list = null;
      block.split("\n").forEach(function (line) {
        var bullet = BULLET.exec(line);
        var numbered = bullet ? null : NUMBERED.exec(line);
        var linkLine = LINK_LINE.exec(line);
        if (bullet || numbered) {
          var kind = bullet ? "ul" : "ol";
          if (!list || list.nodeName.toLowerCase() !== kind) {
            list = el(kind);
            parent.appendChild(list);
          }
          var item = el("li");
          renderInline(item, (bullet || numbered)[1]);
          list.appendChild(item);
          paragraph = null;
          return;
        }
        list = null;
        if (linkLine && SAFE_LINK.test(linkLine[2])) {
          var action = el("p", { "class": "msg__action" });
          action.appendChild(makeLink(linkLine[1], linkLine[2]));
          parent.appendChild(action);
          paragraph = null;
          return;
        }
        if (!line.trim()) { return; }
        if (paragraph) {
          paragraph.appendChild(el("br"));
        } else {
          paragraph = el("p");
          parent.appendChild(paragraph);
        }
        renderInline(paragraph, line);
      });
    });
  }

  // A result (a bold title line and a link line) is shown as a card.
  function looksLikeCard(text) {
    var lines = String(text).split("\n");
    return TITLE_LINE.test(lines[0]) && lines.some(function (line) {
      var link = LINK_LINE.exec(line);
      return link && SAFE_LINK.test(link[2]);
    });
  }

  // A custom payload {"type": "course", "title", "provider", "where", "price", "reason", "url"}.
  function courseCard(custom) {
    if (!custom || custom.type !== "course") { return null; }
    var card = el("div", { "class": "card" });
    if (custom.title) { card.appendChild(el("p", { "class": "card__title" }, String(custom.title))); }
    ["provider", "where", "price", "reason"].forEach(function (key) {
      if (custom[key]) { card.appendChild(el("p", {}, String(custom[key]))); }
    });
    if (typeof custom.url === "string" && WEB_LINK.test(custom.url)) {
      var action = el("p", { "class": "msg__action" });
      action.appendChild(makeLink(String(custom.link_text || T.more_info), custom.url));
      card.appendChild(action);
    }
    return card;
  }

  // ---- reading a message aloud (only where the browser can) --------------------------------

  var synth = window.speechSynthesis && typeof window.SpeechSynthesisUtterance === "function"
    ? window.speechSynthesis : null;

  function dutchVoice() {
    var voices = synth.getVoices() || [];
    return voices.filter(function (v) { return /^nl[-_]NL/i.test(v.lang); })[0] ||
      voices.filter(function (v) { return /^nl/i.test(v.lang); })[0] || null;
  }

  // Hide the buttons when the browser lists its voices and none of them speaks Dutch.
  function checkVoices() {
    var voices = synth.getVoices() || [];
    root.classList.toggle("root--no-speech", voices.length > 0 && !dutchVoice());
  }

  if (synth) {
    checkVoices();
    if (typeof synth.addEventListener === "function") { synth.addEventListener("voiceschanged", checkVoices); }
  }

  function speak(text) {
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.lang = "nl-NL";
    var voice = dutchVoice();
    if (voice) { utterance.voice = voice; }
    synth.cancel();
    synth.speak(utterance);
  }

  // ---- the conversation log ---------------------------------------------------------------

  var botCount = 0; // bot and adviser messages shown from the server, to catch up after a drop

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function addUserMessage(text) {
    var box = el("div", { "class": "msg msg--user" });
    box.appendChild(hiddenText(T.you));
    box.appendChild(el("div", { "class": "msg__body" }, text));
    log.appendChild(box);
    scrollDown();
  }

  function addBotMessage(item) {
    var adviser = item.sender === "adviseur";
    var box = el("div", { "class": "msg " + (adviser ? "msg--adviser" : "msg--bot") });
    if (adviser) {
      var who = item.name ? fill(T.adviser_named, { name: item.name }) : T.adviser;
      box.appendChild(el("p", { "class": "msg__who" }, who));
    } else {
      box.appendChild(hiddenText(T.bot));
    }
    var body = el("div", { "class": "msg__body" });
    if (item.text) { renderText(body, item.text); }
    var card = courseCard(item.custom);
    if (card) { body.appendChild(card); }
    if (card || looksLikeCard(item.text)) { box.classList.add("msg--card"); }
    box.appendChild(body);
    if (synth && body.textContent.trim()) {
      var speakButton = el("button", { type: "button", "class": "msg__speak" }, T.read_aloud);
      speakButton.addEventListener("click", function () { speak(body.innerText); });
      box.appendChild(speakButton);
    }
    log.appendChild(box);
    scrollDown();
  }

  function clearChoices() {
    Array.prototype.forEach.call(log.querySelectorAll(".choices"), function (node) { node.remove(); });
  }

  function addChoices(buttons) {
    buttons = buttons.filter(function (choice) { return !inFooter(choice); });
    if (!buttons.length) { return; }
    var box = el("div", { "class": "choices", role: "group", "aria-label": T.choices_label });
    buttons.forEach(function (choice) {
      var button = el("button", { type: "button", "class": "choices__button" }, String(choice.title));
      button.addEventListener("click", function () {
        send(String(choice.payload), String(choice.title));
        input.focus();
      });
      box.appendChild(button);
    });
    log.appendChild(box);
    scrollDown();
  }

  // One message from the server (live or from the history) in the shape of
  // bot/channels/messages.py; anything unexpected is dropped or shown as plain text.
  function normalize(message) {
    if (!message || typeof message !== "object") { return null; }
    var buttons = Array.isArray(message.buttons) ? message.buttons
      : Array.isArray(message.quick_replies) ? message.quick_replies : [];
    return {
      sender: message.sender === "adviseur" || message.sender === "user" ? message.sender : "bot",
      text: typeof message.text === "string" ? message.text : "",
      name: typeof message.name === "string" ? message.name : "",
      custom: message.custom && typeof message.custom === "object" ? message.custom : null,
      buttons: buttons.filter(function (b) { return b && b.title && b.payload; })
    };
  }

  function renderItem(item, withButtons) {
    if (item.sender === "user") {
      addUserMessage(item.text);
      return;
    }
    addBotMessage(item);
    botCount += 1;
    if (withButtons && item.buttons.length) { addChoices(item.buttons); }
  }

  function resetLog() {
    while (log.firstChild) { log.removeChild(log.firstChild); }
    botCount = 0;
    if (greeting) { addBotMessage({ sender: "bot", text: greeting, name: "", custom: null, buttons: [] }); }
  }

  // ---- status line and typing indicator ---------------------------------------------------

  var typingTimer = null;

  function setStatus(text) { status.textContent = text; }

  function showTyping() {
    typing.hidden = false;
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(hideTyping, 30000);
    scrollDown();
  }

  function hideTyping() {
    window.clearTimeout(typingTimer);
    typing.hidden = true;
  }

  // ---- history: the conversation so far, read from the server -----------------------------

  function fetchHistory(token) {
    return window.fetch(server + "/api/history", {
      headers: { Authorization: "Bearer " + token }, cache: "no-store", credentials: "omit"
    }).then(function (response) {
      if (response.status === 401) { return { messages: [], unknown: true }; }
      if (!response.ok) { throw new Error("history " + response.status); }
      return response.json();
    });
  }

  // Old messages go in without being read out by a screen reader.
  function restore(token) {
    log.setAttribute("aria-live", "off");
    return fetchHistory(token).then(function (data) {
      if (data.unknown) { sessionStorage.removeItem(KEY); }
      var items = (data.messages || []).map(normalize).filter(Boolean);
      items.forEach(function (item, i) { renderItem(item, i === items.length - 1); });
    }).catch(function () {
      setStatus(T.history_failed);
    }).then(function () {
      log.setAttribute("aria-live", "polite");
    });
  }

  // After a network drop: show the messages that came while we were away.
  function catchUp() {
    var token = sessionStorage.getItem(KEY);
    if (!token) { return Promise.resolve(); }
    return fetchHistory(token).then(function (data) {
      var missed = (data.messages || []).map(normalize).filter(function (item) {
        return item && item.sender !== "user";
      }).slice(botCount);
      missed.forEach(function (item, i) { renderItem(item, i === missed.length - 1); });
    }).catch(function () { /* the next message will do */ });
  }

  // ---- the socket: session, sending, reconnecting -----------------------------------------

  var socket = null;
  var ready = false;
  var offline = false;
  var confirmedBefore = false;
  var queue = [];

  function emit(message) {
    socket.emit("user_uttered", message);
    showTyping();
  }

  function flush() {
    while (ready && queue.length) { emit(queue.shift()); }
  }

  // The server issues the session token. A token we did not ask to resume (a new visitor, a
  // wiped conversation, or an old token the server no longer accepts) starts a new conversation.
  function onSession(token) {
    var previous = sessionStorage.getItem(KEY);
    sessionStorage.setItem(KEY, token);
    ready = true;
    setStatus("");
    if (token !== previous) {
      if (previous) { resetLog(); }
      confirmedBefore = true;
      emit({ message: "/greet" });
      flush();
      return;
    }
    var wasConnected = confirmedBefore;
    confirmedBefore = true;
    (wasConnected ? catchUp() : Promise.resolve()).then(flush);
  }

  function onBotMessage(message) {
    hideTyping();
    var item = normalize(message);
    if (!item || item.sender === "user") { return; }
    // The person had the conversation erased in the chat: this tab forgets it too.
    if (item.custom && item.custom.overstap_erased === true) {
      sessionStorage.removeItem(KEY);
      return;
    }
    renderItem(item, true);
    if (!isOpen()) { badge.hidden = false; }
  }

  // The key HAProxy routes this tab's socket by (README, "Production shape"): the conversation
  // once there is one, before that a random key kept for the tab. Not a secret.
  function routeKey() {
    var token = sessionStorage.getItem(KEY);
    if (token && token.indexOf(".") > 0) { return token.split(".")[0]; }
    var key = sessionStorage.getItem(ROUTE_KEY);
    if (!key) {
      var bytes = new Uint8Array(12);
      window.crypto.getRandomValues(bytes);
      key = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      sessionStorage.setItem(ROUTE_KEY, key);
    }
    return key;
  }

  function connect() {
    if (socket) {
      if (!socket.connected && !offline) { socket.connect(); }
      return;
    }
    socket = io(config.socketUrl, {
      path: config.socketPath,
      transports: ["websocket", "polling"],
      query: { k: routeKey() }
    });
    socket.on("connect", function () {
      socket.emit("session_request", { session_id: sessionStorage.getItem(KEY) });
    });
    socket.on("session_confirm", onSession);
    socket.on("bot_uttered", onBotMessage);
    socket.on("connect_error", function () {
      if (!offline) { setStatus(T.no_connection); }
    });
    socket.on("disconnect", function (reason) {
      ready = false;
      hideTyping();
      if (!offline) { setStatus(T.connection_lost); }
      if (reason === "io server disconnect") { socket.connect(); }
    });
  }

  function send(payload, shown) {
    payload = String(payload || "").trim();
    if (!payload) { return; }
    clearChoices();
    addUserMessage(shown || payload);
    var message = { message: payload };
    if (shown && payload.charAt(0) === "/") { message.metadata = { shown: shown }; }
    if (ready) {
      emit(message);
    } else {
      queue.push(message);
      if (offline) { setStatus(T.offline); }
      connect();
    }
  }

  // A browser can keep a dead websocket open for minutes after the network goes away, and what
  // is sent into it is lost; so the widget drops the socket itself and connects again when the
  // network is back.
  window.addEventListener("offline", function () {
    offline = true;
    if (socket) { socket.disconnect(); }
    ready = false;
    hideTyping();
    setStatus(T.offline);
  });
  window.addEventListener("online", function () {
    offline = false;
    if (socket) {
      setStatus(T.reconnecting);
      socket.connect();
    }
  });

  // "Wis gesprek": erase the conversation on the server (bot/web/app.py), then forget the
  // session in this browser tab and start a new one. If the server cannot erase it now, the
  // conversation stays on screen and the person is told.
  function eraseConversation() {
    var token = sessionStorage.getItem(KEY);
    if (!token) { clearConversation(); return; }
    clearButton.disabled = true;
    window.fetch(server + "/api/erase", {
      method: "POST", headers: { Authorization: "Bearer " + token },
      cache: "no-store", credentials: "omit"
    }).then(function (response) {
      // 401: the server no longer knows this conversation, so there is nothing left to erase.
      if (!response.ok && response.status !== 401) { throw new Error("erase " + response.status); }
      clearConversation();
    }).catch(function () {
      setStatus(T.erase_failed);
    }).then(function () {
      clearButton.disabled = false;
    });
  }

  function clearConversation() {
    sessionStorage.removeItem(KEY);
    queue = [];
    ready = false;
    confirmedBefore = false;
    if (synth) { synth.cancel(); }
    hideTyping();
    resetLog();
    if (socket) {
      socket.disconnect();
      if (!offline) { socket.connect(); }
    } else {
      connect();
    }
    setStatus(T.cleared);
    input.focus();
  }

  // ---- opening, closing, keyboard ---------------------------------------------------------

  function isOpen() { return inline || !panel.hidden; }

  function open(moveFocus) {
    panel.hidden = false;
    root.classList.add("root--open");
    launcher.setAttribute("aria-expanded", "true");
    badge.hidden = true;
    if (!inline) { sessionStorage.setItem(OPEN_KEY, "1"); }
    connect();
    scrollDown();
    if (moveFocus) { input.focus(); }
  }

  function close() {
    if (inline) { return; }
    panel.hidden = true;
    root.classList.remove("root--open");
    launcher.setAttribute("aria-expanded", "false");
    sessionStorage.removeItem(OPEN_KEY);
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (isOpen()) { close(); } else { open(true); }
  });
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") {
      event.preventDefault();
      close();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    send(text);
  });
  clearButton.addEventListener("click", eraseConversation);

  // ---- start ------------------------------------------------------------------------------

  (inline ? inlineHost : document.body).appendChild(host);
  panel.hidden = true;
  resetLog();
  var token = sessionStorage.getItem(KEY);
  var start = token ? restore(token) : Promise.resolve();
  start.then(function () {
    if (inline || sessionStorage.getItem(OPEN_KEY)) {
      open(inline);
    } else if (sessionStorage.getItem(KEY)) {
      connect(); // a conversation is going on in this tab: keep listening, e.g. for an adviser
    }
  });
})(OVERSTAP_IO, OVERSTAP_CONFIG, OVERSTAP_SCRIPT);
