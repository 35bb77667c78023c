/*
 * privacybot chat widget: one <script> tag plus an optional config object.
 *
 *   <script>window.PrivacyBotConfig = { serverUrl: "https://bot.example.com", title: "Privacy assistant",
 *     primaryColor: "#1d4ed8", language: "en", privacyNoticeUrl: "/privacy" };</script>
 *
 * language: "en" (default) or "de" for German fixed texts; it is sent with every message as
 * metadata.language, so the assistant answers in that language.
 *   <script src="https://bot.example.com/widget/widget.js" defer></script>
 *
 * Talks to the Rasa REST channel (/webhooks/rest/webhook). Everything it shows is set with textContent
 * (never innerHTML), links are created only for http(s) URLs. The conversation id and the transcript live
 * in sessionStorage: a reload continues the conversation, closing the tab forgets it.
 *
 * A message that cannot reach the assistant (no connection, or a 502/503 from a proxy: the assistant is
 * starting or restarting) is kept: the widget shows "Connecting to the assistant …", retries with backoff
 * for up to cfg.retrySeconds (60) and delivers it once. Then it says so and puts the text back in the box.
 * An answer that failed after the assistant got the message (e.g. a 500) is not retried: never twice.
 */
(function () {
  "use strict";
  if (window.__privacyBotLoaded) return;
  window.__privacyBotLoaded = true;

  var script = document.currentScript;
  var cfg = Object.assign(
    {
      serverUrl: script ? new URL(script.src).origin.replace(/:\d+$/, "") + ":5005" : "http://127.0.0.1:5005",
      title: "Privacy assistant",
      primaryColor: "#1d4ed8",
      language: "en",
      privacyNoticeUrl: "",
      retrySeconds: 60,
    },
    window.PrivacyBotConfig || {}
  );
  var TEXT = {
    en: {
      open: "Open the privacy assistant chat",
      close: "Close chat",
      input: "Type your message",
      send: "Send",
      typing: "The assistant is typing",
      connecting: "Connecting to the assistant",
      notice: "This chat sends what you type to our assistant to answer you. ",
      noticeLink: "How we process your data",
      error: "Sorry, the assistant can't be reached right now. Please try again in a moment.",
      notSent: "Sorry, the assistant can't be reached right now, so your message was not sent. It is back in the box below: please send it again in a moment.",
      tooLong: "That message is too long; please keep it under 2000 characters.",
      slowDown: "You're sending messages faster than I can read them. Please wait a few seconds and send it again.",
      you: "You: ",
      assistant: "Assistant: ",
      messages: " messages",
      replies: "Suggested replies",
      greeting: "hello",
    },
    de: {
      open: "Chat mit dem Datenschutz-Assistenten öffnen",
      close: "Chat schließen",
      input: "Ihre Nachricht",
      send: "Senden",
      typing: "Der Assistent schreibt",
      connecting: "Verbindung zum Assistenten wird hergestellt",
      notice: "Dieser Chat sendet Ihre Eingaben an unseren Assistenten, damit er Ihnen antworten kann. ",
      noticeLink: "Wie wir Ihre Daten verarbeiten",
      error: "Entschuldigung, der Assistent ist gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.",
      notSent: "Entschuldigung, der Assistent ist gerade nicht erreichbar, daher wurde Ihre Nachricht nicht gesendet. Sie steht wieder im Eingabefeld: Bitte senden Sie sie gleich noch einmal.",
      tooLong: "Diese Nachricht ist zu lang; bitte bleiben Sie unter 2000 Zeichen.",
      slowDown: "Sie senden Nachrichten schneller, als ich sie lesen kann. Bitte warten Sie ein paar Sekunden und senden Sie sie dann noch einmal.",
      you: "Sie: ",
      assistant: "Assistent: ",
      messages: " – Nachrichten",
      replies: "Antwortvorschläge",
      greeting: "hallo",
    },
  };
  var language = /^[A-Za-z_-]{1,16}$/.test(String(cfg.language)) ? String(cfg.language) : "en";
  var t = TEXT[language.slice(0, 2).toLowerCase()] || TEXT.en;
  var greeting = cfg.greeting || t.greeting;
  var MAX_LENGTH = 2000;
  var store = window.sessionStorage;
  var KEY = "privacybot:";

  function sessionId() {
    var id = store.getItem(KEY + "sender");
    if (!id) {
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      id = "web-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      store.setItem(KEY + "sender", id);
    }
    return id;
  }

  function transcript() {
    try { return JSON.parse(store.getItem(KEY + "transcript") || "[]"); } catch (e) { return []; }
  }

  function remember(entry) {
    var all = transcript();
    all.push(entry);
    store.setItem(KEY + "transcript", JSON.stringify(all.slice(-200)));
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { node.appendChild(c); });
    return node;
  }

  /* Text with line breaks and http(s) links, built from text nodes only. */
  function richText(text) {
    var frag = document.createDocumentFragment();
    String(text).split("\n").forEach(function (line, i) {
      if (i) frag.appendChild(document.createElement("br"));
      var parts = line.split(/(https?:\/\/[^\s<>"]+)/g);
      parts.forEach(function (part) {
        if (/^https?:\/\/[^\s<>"]+$/.test(part)) {
          var href = part.replace(/[.,;:)]+$/, "");
          var a = el("a", { href: href, target: "_blank", rel: "noopener noreferrer", text: href });
          frag.appendChild(a);
          if (href.length < part.length) frag.appendChild(document.createTextNode(part.slice(href.length)));
        } else if (part) {
          frag.appendChild(document.createTextNode(part));
        }
      });
    });
    return frag;
  }

  var style = el("style", {
    text:
      ".pb-launcher{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;display:flex;align-items:center;justify-content:center;" +
      "background:var(--pb-color);color:#fff;font-size:26px;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.3);z-index:2147483000}" +
      ".pb-launcher:focus-visible,.pb-panel button:focus-visible,.pb-panel textarea:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}" +
      ".pb-panel{position:fixed;right:20px;bottom:88px;width:370px;max-width:calc(100vw - 24px);height:560px;" +
      "max-height:calc(100vh - 110px);display:flex;flex-direction:column;background:#fff;color:#111;border-radius:12px;" +
      "box-shadow:0 6px 24px rgba(0,0,0,.25);font:15px/1.45 system-ui,sans-serif;z-index:2147483000;overflow:hidden}" +
      ".pb-panel[hidden]{display:none}" +
      ".pb-head{display:flex;align-items:center;justify-content:space-between;background:var(--pb-color);color:#fff;padding:10px 14px}" +
      ".pb-head h2{font-size:16px;margin:0}.pb-head button{background:transparent;border:0;color:#fff;font-size:22px;cursor:pointer}" +
      ".pb-log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f6f7f9}" +
      ".pb-msg{max-width:85%;padding:8px 11px;border-radius:10px;white-space:normal;word-wrap:break-word}" +
      ".pb-bot{align-self:flex-start;background:#fff;border:1px solid #e3e5e8}.pb-user{align-self:flex-end;background:var(--pb-color);color:#fff}" +
      ".pb-user a{color:#fff}.pb-pending{opacity:.6}.pb-replies{display:flex;flex-wrap:wrap;gap:6px;align-self:flex-start}" +
      ".pb-replies button{border:1px solid var(--pb-color);color:var(--pb-color);background:#fff;border-radius:16px;padding:5px 11px;cursor:pointer;font:inherit;font-size:14px}" +
      ".pb-typing{align-self:flex-start;color:#555;font-style:italic}.pb-typing[hidden]{display:none}" +
      ".pb-notice{font-size:12px;color:#444;padding:6px 12px;border-top:1px solid #e3e5e8;background:#fff}" +
      ".pb-form{display:flex;gap:6px;padding:8px;border-top:1px solid #e3e5e8;background:#fff}" +
      ".pb-form textarea{flex:1;resize:none;border:1px solid #c9ccd1;border-radius:8px;padding:7px;font:inherit;height:40px}" +
      ".pb-form button{border:0;border-radius:8px;background:var(--pb-color);color:#fff;padding:0 14px;cursor:pointer;font:inherit}" +
      ".pb-visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}" +
      "@media (max-width:480px){.pb-panel{right:0;bottom:0;width:100vw;max-width:100vw;height:100vh;max-height:100vh;border-radius:0}" +
      ".pb-open .pb-launcher{display:none}}",
  });

  var root = el("div", { class: "privacybot", lang: language, style: "--pb-color:" + cfg.primaryColor });
  var launcher = el("button", { class: "pb-launcher", type: "button", "aria-label": t.open, "aria-expanded": "false", "aria-controls": "pb-panel" });
  var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "28");
  svg.setAttribute("height", "28");
  svg.setAttribute("aria-hidden", "true");
  var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("fill", "currentColor");
  path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
  svg.appendChild(path);
  launcher.appendChild(svg);
  var titleId = "pb-title";
  var closeBtn = el("button", { type: "button", "aria-label": t.close, text: "×" });
  var log = el("div", { class: "pb-log", role: "log", "aria-live": "polite", "aria-relevant": "additions", "aria-label": cfg.title + t.messages, tabindex: "0" });
  var typing = el("div", { class: "pb-typing", role: "status", hidden: "", text: t.typing + "…" });
  var inputId = "pb-input";
  var input = el("textarea", { id: inputId, rows: "1", maxlength: String(MAX_LENGTH), autocomplete: "off", placeholder: t.input + " …" });
  var label = el("label", { for: inputId, class: "pb-visually-hidden", text: t.input });
  var sendBtn = el("button", { type: "submit", text: t.send });
  var form = el("form", { class: "pb-form" }, [label, input, sendBtn]);
  var notice = el("div", { class: "pb-notice" }, [document.createTextNode(t.notice)]);
  if (cfg.privacyNoticeUrl) {
    notice.appendChild(el("a", { href: cfg.privacyNoticeUrl, target: "_blank", rel: "noopener", text: t.noticeLink }));
  }
  var panel = el("div", { id: "pb-panel", class: "pb-panel", role: "dialog", "aria-labelledby": titleId, hidden: "" }, [
    el("div", { class: "pb-head" }, [el("h2", { id: titleId, text: cfg.title }), closeBtn]),
    log,
    notice,
    form,
  ]);
  log.appendChild(typing);
  root.appendChild(style);
  root.appendChild(panel);
  root.appendChild(launcher);

  function addMessage(who, text, record) {
    var bubble = el("div", { class: "pb-msg " + (who === "user" ? "pb-user" : "pb-bot") });
    bubble.appendChild(el("span", { class: "pb-visually-hidden", text: who === "user" ? t.you : t.assistant }));
    bubble.appendChild(richText(text));
    log.insertBefore(bubble, typing);
    log.scrollTop = log.scrollHeight;
    if (record) remember({ who: who, text: text });
    return bubble;
  }

  function addButtons(buttons) {
    var box = el("div", { class: "pb-replies", role: "group", "aria-label": t.replies });
    buttons.forEach(function (b) {
      var button = el("button", { type: "button", text: b.title });
      button.addEventListener("click", function () {
        box.remove();
        send(b.payload, b.title);
      });
      box.appendChild(button);
    });
    log.insertBefore(box, typing);
    log.scrollTop = log.scrollHeight;
  }

  /* The line above the input: null (hidden), "typing" or "connecting". */
  function setStatus(kind) {
    if (kind) {
      typing.textContent = (kind === "connecting" ? t.connecting : t.typing) + " …";
      typing.removeAttribute("hidden");
    } else {
      typing.setAttribute("hidden", "");
    }
    sendBtn.disabled = !!kind;
  }

  var queue = Promise.resolve();
  var waiting = []; // messages sent and not yet delivered, oldest first

  /* Messages go out one at a time, in order, so replies never interleave. shown === null: not displayed. */
  function send(message, shown) {
    if (!message || !message.trim()) return;
    if (message.length > MAX_LENGTH) { addMessage("bot", t.tooLong, false); return; }
    var item = { message: message, typed: shown === undefined, text: shown === null ? null : shown || message };
    if (item.text !== null) {
      item.bubble = addMessage("user", item.text, false);
      item.bubble.classList.add("pb-pending");
    }
    waiting.push(item);
    queue = queue.then(function () { return item.dropped ? null : deliver(item); });
  }

  /* One POST. Resolves to {kind: "replies", replies}, {kind: "unreachable"} (the request never reached the
   * assistant: no connection — refused, or a proxy's 502/503 without CORS headers, which the browser also
   * reports as a network error — or a readable 502/503) or {kind: "failed"} (it may have reached it). */
  function post(message) {
    return fetch(cfg.serverUrl.replace(/\/$/, "") + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sessionId(), message: message, metadata: { language: language } }),
    }).then(
      function (r) {
        if (r.status === 502 || r.status === 503) return { kind: "unreachable" };
        if (r.status === 429) return { kind: "replies", replies: [{ text: t.slowDown }] };
        if (r.status === 413) return { kind: "replies", replies: [{ text: t.tooLong }] };
        if (!r.ok) return { kind: "failed" };
        return r.json().then(
          function (replies) { return { kind: "replies", replies: replies || [] }; },
          function () { return { kind: "failed" }; }
        );
      },
      function () { return { kind: "unreachable" }; }
    );
  }

  /* Wait before retry number `attempt` (0, 1, …): 0.5 s doubling to at most 5 s, with jitter so that
   * many open chats do not all knock at the same moment when the assistant comes back. */
  function backoff(attempt) {
    var base = Math.min(5000, 500 * Math.pow(2, attempt));
    return base * (0.8 + 0.4 * Math.random());
  }

  function deliver(item) {
    var deadline = null;
    var attempt = 0;
    setStatus("typing");
    function tryOnce() {
      return post(item.message).then(function (result) {
        if (result.kind !== "unreachable") return settle(item, result);
        var now = Date.now();
        if (deadline === null) deadline = now + cfg.retrySeconds * 1000;
        if (now >= deadline) return giveUp(item);
        setStatus("connecting");
        var delay = Math.min(backoff(attempt++), deadline - now);
        return new Promise(function (resolve) { setTimeout(resolve, delay); }).then(tryOnce);
      });
    }
    return tryOnce().then(function () { setStatus(null); });
  }

  function settle(item, result) {
    waiting.splice(waiting.indexOf(item), 1);
    if (item.bubble) {
      item.bubble.classList.remove("pb-pending");
      remember({ who: "user", text: item.text });
    }
    if (result.kind === "failed") { addMessage("bot", t.error, false); return; }
    result.replies.forEach(function (m) {
      if (m.text) addMessage("bot", m.text, true);
      if (m.buttons && m.buttons.length) addButtons(m.buttons);
    });
  }

  /* The assistant stayed unreachable: this message and the ones typed after it (their order matters)
   * are not sent; what the visitor typed goes back into the box, followed by anything typed since. */
  function giveUp(item) {
    var undelivered = waiting.splice(waiting.indexOf(item));
    var texts = [];
    undelivered.forEach(function (u) {
      u.dropped = true;
      if (u.bubble) u.bubble.remove();
      if (u.typed) texts.push(u.text);
    });
    if (texts.length) input.value = texts.concat(input.value ? [input.value] : []).join("\n");
    addMessage("bot", texts.length ? t.notSent : t.error, false);
  }

  function open() {
    root.classList.add("pb-open");
    panel.removeAttribute("hidden");
    launcher.setAttribute("aria-expanded", "true");
    store.setItem(KEY + "open", "1");
    input.focus();
    if (!transcript().length && !log.querySelector(".pb-msg")) send(greeting, null);
  }

  function close() {
    root.classList.remove("pb-open");
    panel.setAttribute("hidden", "");
    launcher.setAttribute("aria-expanded", "false");
    store.removeItem(KEY + "open");
    launcher.focus();
  }

  launcher.addEventListener("click", function () { panel.hasAttribute("hidden") ? open() : close(); });
  closeBtn.addEventListener("click", close);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value;
    input.value = "";
    send(text);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });

  function mount() {
    document.body.appendChild(root);
    transcript().forEach(function (m) { addMessage(m.who, m.text, false); });
    if (store.getItem(KEY + "open")) {
      root.classList.add("pb-open");
      panel.removeAttribute("hidden");
      launcher.setAttribute("aria-expanded", "true");
    }
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
