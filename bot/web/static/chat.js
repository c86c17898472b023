// Zicht chat widget: plain JS, no third-party requests; every node is built with DOM APIs.
"use strict";

(() => {
  const STORAGE_KEY = "zicht-session";
  const SESSION_ID = /^[A-Za-z0-9_-]{16,128}$/;
  // 112, or a Dutch number: 0 plus digit groups split by single spaces or hyphens.
  // (The same pattern as bot/web/phone_numbers.py, written without lookbehind.)
  const PHONE = /(^|[^\w+-])(112|0\d{1,3}(?:[ -]?\d{2,4}){1,4})(?![\w-])/g;
  const ESCAPE_WINDOW_MS = 1500;

  const body = document.body;
  const quickExitUrl = body.dataset.quickExitUrl;
  const log = document.getElementById("chat-log");
  const form = document.getElementById("chat-form");
  const input = document.getElementById("chat-input");
  const sendButton = document.getElementById("chat-send");
  const typing = document.getElementById("typing");
  const quickExitLink = document.getElementById("quick-exit");

  const texts = {
    network_error: body.dataset.networkError,
    retry: body.dataset.retry,
    empty: body.dataset.empty,
  };
  const langHint = (
    new URLSearchParams(location.search).get("lang") || navigator.language || ""
  ).slice(0, 35);

  let memorySessionId = null;
  let busy = false;
  let lastEscape = 0;

  // --- session id: random, kept in sessionStorage only ---------------------------------

  function newSessionId() {
    const bytes = new Uint8Array(24);
    crypto.getRandomValues(bytes);
    return btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
  }

  function sessionId() {
    let id = memorySessionId;
    try {
      id = sessionStorage.getItem(STORAGE_KEY) || id;
    } catch {
      // sessionStorage blocked: keep the id in memory for this page only.
    }
    if (!id || !SESSION_ID.test(id)) {
      id = newSessionId();
      try {
        sessionStorage.setItem(STORAGE_KEY, id);
      } catch {
        // idem
      }
    }
    memorySessionId = id;
    return id;
  }

  // --- rendering (DOM APIs only) --------------------------------------------------------

  function isPhoneNumber(candidate) {
    const digits = candidate.replace(/\D/g, "");
    return digits === "112" || (digits.length >= 8 && digits.length <= 11);
  }

  function appendLinkedText(parent, text) {
    let position = 0;
    PHONE.lastIndex = 0;
    for (const match of text.matchAll(PHONE)) {
      const number = match[2];
      const start = match.index + match[1].length;
      if (!isPhoneNumber(number)) continue;
      parent.append(document.createTextNode(text.slice(position, start)));
      const link = document.createElement("a");
      link.href = "tel:" + number.replace(/\D/g, "");
      link.textContent = number;
      parent.append(link);
      position = start + number.length;
    }
    parent.append(document.createTextNode(text.slice(position)));
  }

  function paragraphs(parent, text, linked) {
    for (const line of String(text).split(/\n/)) {
      if (!line.trim()) continue;
      const p = document.createElement("p");
      if (linked) appendLinkedText(p, line);
      else p.textContent = line;
      parent.append(p);
    }
  }

  function addToLog(node) {
    log.append(node);
    log.scrollTop = log.scrollHeight;
  }

  function showUser(text) {
    const item = document.createElement("div");
    item.className = "message message-user";
    paragraphs(item, text, false);
    addToLog(item);
  }

  function showBot(message) {
    const item = document.createElement("div");
    item.className = "message message-bot";
    paragraphs(item, message.text || "", true);
    const buttons = Array.isArray(message.buttons) ? message.buttons : [];
    if (buttons.length) {
      const group = document.createElement("div");
      group.className = "buttons";
      for (const button of buttons) {
        const element = document.createElement("button");
        element.type = "button";
        element.textContent = String(button.title);
        element.addEventListener("click", () => {
          if (busy) return;
          for (const other of group.querySelectorAll("button")) other.disabled = true;
          showUser(String(button.title));
          deliver(String(button.payload));
        });
        group.append(element);
      }
      item.append(group);
    }
    addToLog(item);
  }

  function showNetworkError(text) {
    const item = document.createElement("div");
    item.className = "message message-bot message-error";
    paragraphs(item, texts.network_error, true);
    const retry = document.createElement("button");
    retry.type = "button";
    retry.textContent = texts.retry;
    retry.addEventListener("click", () => {
      if (busy || retry.disabled) return;
      retry.disabled = true; // one click, one resend
      retry.remove();
      deliver(text);
    });
    item.append(retry);
    addToLog(item);
  }

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    typing.hidden = !value;
    log.setAttribute("aria-busy", value ? "true" : "false");
  }

  // --- talking to /api/chat --------------------------------------------------------------

  async function deliver(text) {
    setBusy(true);
    let messages = null;
    try {
      const response = await fetch("/api/chat", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ session_id: sessionId(), text: text, lang: langHint }),
        credentials: "omit",
        cache: "no-store",
        referrerPolicy: "no-referrer",
      });
      const data = await response.json();
      if (data && Array.isArray(data.messages)) messages = data.messages;
    } catch {
      messages = null;
    } finally {
      setBusy(false);
    }
    if (messages === null) showNetworkError(text);
    else messages.forEach(showBot);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy) return;
    const text = input.value;
    if (!text.trim()) {
      showBot({ text: texts.empty, buttons: [] });
      return;
    }
    input.value = "";
    showUser(text);
    deliver(text);
    input.focus();
  });

  // --- quick exit ---------------------------------------------------------------------------

  function quickExit(event) {
    if (event) event.preventDefault();
    try {
      sessionStorage.clear();
    } catch {
      // nothing stored
    }
    memorySessionId = null;
    document.title = "";
    body.replaceChildren();
    location.replace(quickExitUrl);
  }

  quickExitLink.addEventListener("click", quickExit);
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const now = Date.now();
    if (now - lastEscape < ESCAPE_WINDOW_MS) quickExit(event);
    lastEscape = now;
  });

  // --- texts in the browser's language, then the greeting ---------------------------------

  function setText(id, value, linked) {
    const element = document.getElementById(id);
    if (!element || typeof value !== "string") return;
    if (linked) {
      element.replaceChildren();
      appendLinkedText(element, value);
    } else {
      element.textContent = value;
    }
  }

  function applyTexts(data) {
    const t = data.texts || {};
    Object.assign(texts, t);
    document.documentElement.lang = data.lang;
    document.documentElement.dir = data.dir === "rtl" ? "rtl" : "ltr";
    if (typeof t.page_title === "string") document.title = t.page_title;
    setText("page-title", t.page_title, false);
    setText("page-intro", t.page_intro, true);
    setText("danger-banner", t.danger_banner, true);
    setText("chat-label", t.chat_label, false);
    setText("input-label", t.input_label, false);
    setText("chat-send", t.send, false);
    setText("quick-exit", t.quick_exit, false);
    setText("typing", t.typing, false);
    if (typeof t.input_placeholder === "string") input.placeholder = t.input_placeholder;
  }

  async function start() {
    try {
      const response = await fetch("/api/texts?lang=" + encodeURIComponent(langHint), {
        credentials: "omit",
        cache: "no-store",
      });
      if (response.ok) applyTexts(await response.json());
    } catch {
      // keep the texts the page was rendered with
    }
    input.disabled = false;
    sendButton.disabled = false;
    deliver("/greet");
  }

  start();
})();
