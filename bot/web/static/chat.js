// Zicht chat widget: plain JS, no framework, no third-party requests. Every node is built with
// DOM APIs: bot and user text only ever becomes textContent, never markup.
// The conversation is kept in sessionStorage only (this tab; gone when the tab closes);
// no other browser storage and no cookies are used. Two modes: "page" (GET /, full page)
// and "launcher" (GET /demo: a button on a municipal page opens the widget).
"use strict";

(() => {
  const STORE_KEY = "zicht";
  const SESSION_ID = /^[A-Za-z0-9_-]{16,128}$/;
  const MESSAGE_ID = /^[A-Za-z0-9_-]{8,64}$/;
  // 112, or a Dutch number: 0 plus digit groups split by single spaces or hyphens.
  // (The same pattern as bot/web/phone_numbers.py, written without lookbehind.)
  const PHONE = /(^|[^\w+-])(112|0\d{1,3}(?:[ -]?\d{2,4}){1,4})(?![\w-])/g;
  const HELP_NUMBER = "0625765052"; // Leger des Heils: messages with it offer the card
  const CARD_PAYLOAD = "/info_papers"; // a button of the help answer
  const PICTOGRAMS = {
    "/report_signs": "report",
    "/need_help": "help",
    "/ask_info": "info",
    "/have_code": "code",
  };
  // The bot's own language menu: the widget follows such a choice with its own texts.
  const LANGUAGE_CHOICE = /^\/choose_language\{"language":\s*"([a-z]{2,3})"\}$/;
  const ESCAPE_WINDOW_MS = 1500;
  const MAX_ENTRIES = 300;

  const byId = (id) => document.getElementById(id);
  const body = document.body;
  const mode = body.dataset.mode === "launcher" ? "launcher" : "page";
  const quickExitUrl = body.dataset.quickExitUrl;
  const root = byId("zicht");
  const log = byId("chat-log");
  const form = byId("chat-form");
  const input = byId("chat-input");
  const sendButton = byId("chat-send");
  const typing = byId("typing");
  const quickExitLink = byId("quick-exit");
  const conversation = byId("conversation");
  const card = byId("card");
  const cardTitle = byId("card-title");
  const cardSides = byId("card-sides");
  const cardClose = byId("card-close");
  const languageButton = byId("language-button");
  const languageList = byId("language-list");
  const languageCurrent = byId("language-current");
  const closeButton = byId("widget-close");
  const launcher = byId("launcher");
  const site = byId("site");
  const pictograms = byId("pictograms");
  const narrow = window.matchMedia("(max-width: 40em)");

  const texts = {
    network_error: body.dataset.networkError,
    retry: body.dataset.retry,
    empty: body.dataset.empty,
  };
  const browserHint = (
    new URLSearchParams(location.search).get("lang") ||
    navigator.language ||
    ""
  ).slice(0, 35);

  let widgetLang = body.dataset.lang || "nl"; // the language of the widget's own texts
  let languages = [];
  let dutchCard = {};
  let state = emptyState();
  let busy = false;
  let controller = null;
  let lastEscape = 0;
  let cardOpener = null;
  let exiting = false;

  // --- the tab's memory: sessionStorage only ---------------------------------------------

  function emptyState() {
    return { session: null, lang: null, open: false, entries: [], pending: null };
  }

  function randomId(bytes) {
    const values = new Uint8Array(bytes);
    crypto.getRandomValues(values);
    return btoa(String.fromCharCode(...values))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
  }

  function validButtons(buttons) {
    return (Array.isArray(buttons) ? buttons : [])
      .filter((b) => b && typeof b.title === "string" && typeof b.payload === "string")
      .map((b) => ({ title: b.title, payload: b.payload }));
  }

  function validEntry(entry) {
    if (!entry || typeof entry.text !== "string") return null;
    if (entry.who === "user") return { who: "user", text: entry.text };
    if (entry.who !== "bot") return null;
    return {
      who: "bot",
      text: entry.text,
      buttons: validButtons(entry.buttons),
      answered: entry.answered === true,
      chosen: Number.isInteger(entry.chosen) ? entry.chosen : -1,
    };
  }

  function restore() {
    let saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || "null");
    } catch {
      saved = null;
    }
    if (!saved || typeof saved !== "object") return;
    if (typeof saved.session === "string" && SESSION_ID.test(saved.session)) {
      state.session = saved.session;
    }
    if (typeof saved.lang === "string" && /^[a-z]{2,3}$/.test(saved.lang)) state.lang = saved.lang;
    state.open = saved.open === true;
    if (Array.isArray(saved.entries)) {
      state.entries = saved.entries.map(validEntry).filter(Boolean).slice(-MAX_ENTRIES);
    }
    const pending = saved.pending;
    if (pending && typeof pending.text === "string" && MESSAGE_ID.test(pending.id || "")) {
      state.pending = { id: pending.id, text: pending.text };
    }
  }

  function save() {
    if (exiting) return;
    state.entries = state.entries.slice(-MAX_ENTRIES);
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify(state));
    } catch {
      // sessionStorage blocked or full: the conversation lives in this page only.
    }
  }

  function sessionId() {
    if (!state.session) {
      state.session = randomId(24);
      save();
    }
    return state.session;
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

  function speaker(key) {
    const label = document.createElement("span");
    label.className = "visually-hidden";
    label.dataset.text = key;
    label.textContent = texts[key] || "";
    return label;
  }

  function pictogram(name) {
    const source = pictograms && pictograms.querySelector('[data-pict="' + name + '"]');
    return source ? source.cloneNode(true) : null;
  }

  function labelledButton(className, text, pict) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = className;
    const icon = pict ? pictogram(pict) : null;
    if (icon) button.append(icon);
    const label = document.createElement("span");
    label.textContent = text;
    button.append(label);
    return button;
  }

  function offersCard(entry) {
    return (
      entry.buttons.some((b) => b.payload === CARD_PAYLOAD) ||
      entry.text.replace(/\D/g, "").includes(HELP_NUMBER)
    );
  }

  function renderUser(entry) {
    const item = document.createElement("div");
    item.className = "message message-user";
    item.append(speaker("you_said"));
    paragraphs(item, entry.text, false);
    return item;
  }

  function renderBot(entry) {
    const item = document.createElement("div");
    item.className = "message message-bot";
    item.append(speaker("bot_said"));
    paragraphs(item, entry.text, true);
    if (entry.buttons.length) {
      const group = document.createElement("div");
      group.className = "buttons";
      if (entry.buttons.some((b) => PICTOGRAMS[b.payload])) group.classList.add("buttons-main");
      entry.buttons.forEach((button, index) => {
        const element = labelledButton("reply", button.title, PICTOGRAMS[button.payload]);
        const language = LANGUAGE_CHOICE.exec(button.payload);
        if (language) element.lang = language[1]; // a language named in itself
        element.disabled = entry.answered;
        if (entry.chosen === index) element.classList.add("chosen");
        element.addEventListener("click", () => choose(entry, index, element));
        group.append(element);
      });
      item.append(group);
    }
    if (offersCard(entry)) {
      const cardButton = labelledButton("card-button", texts.card_button || "", "card");
      cardButton.lastChild.dataset.text = "card_button";
      cardButton.addEventListener("click", () => openCard(cardButton));
      item.append(cardButton);
    }
    return item;
  }

  function render(entry) {
    const node = entry.who === "user" ? renderUser(entry) : renderBot(entry);
    log.append(node);
    return node;
  }

  function scrollTo(node) {
    // Show the start of a new bot message (long answers are read from the top).
    log.scrollTop = Math.max(0, node.offsetTop - 8);
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function markAnswered() {
    for (const entry of state.entries) if (entry.who === "bot") entry.answered = true;
    for (const button of log.querySelectorAll("button.reply")) button.disabled = true;
  }

  function addUser(text) {
    const entry = { who: "user", text: text };
    state.entries.push(entry);
    save();
    scrollTo(render(entry));
  }

  function showLocal(text) {
    // A hint of the widget itself (e.g. "your message is empty"): shown, not kept.
    const node = renderBot({ who: "bot", text: text, buttons: [], answered: true, chosen: -1 });
    log.append(node);
    scrollTo(node);
    return node;
  }

  function showNetworkError(message, focusRetry) {
    const item = document.createElement("div");
    item.className = "message message-bot message-error";
    const p = document.createElement("p");
    p.dataset.text = "network_error";
    p.textContent = texts.network_error;
    item.append(p);
    const retry = labelledButton("retry", texts.retry || "");
    retry.lastChild.dataset.text = "retry";
    retry.addEventListener("click", () => {
      if (busy || retry.disabled) return;
      retry.disabled = true; // one click, one resend of the same message (same id)
      item.remove();
      input.focus();
      send(message, "buttons");
    });
    item.append(retry);
    log.append(item);
    scrollTo(item);
    if (focusRetry) retry.focus();
  }

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    typing.hidden = !value;
  }

  // --- talking to /api/chat ------------------------------------------------------------------

  function requestLang() {
    return state.lang || browserHint;
  }

  function focusAfterReply(nodes, how) {
    // After a button (which is disabled now), focus goes to the start of the answer: it is read
    // from the top, and Tab goes on to its buttons. After typing, focus stays in the input.
    if (how !== "buttons" || exiting) return;
    const first = nodes[0];
    if (!first) {
      input.focus();
      return;
    }
    first.tabIndex = -1;
    first.focus();
    scrollTo(first);
  }

  async function send(message, focus) {
    if (busy || exiting) return;
    // A new message replaces one that failed: its retry button would send it out of turn.
    for (const stale of log.querySelectorAll(".message-error")) stale.remove();
    state.pending = message;
    save();
    setBusy(true);
    let data = null;
    let status = 0;
    controller = new AbortController();
    try {
      const response = await fetch("/api/chat", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          session_id: sessionId(),
          message_id: message.id,
          text: message.text,
          lang: requestLang(),
        }),
        credentials: "omit",
        cache: "no-store",
        referrerPolicy: "no-referrer",
        signal: controller.signal,
      });
      status = response.status;
      data = await response.json();
    } catch {
      data = null;
    } finally {
      controller = null;
      setBusy(false);
    }
    if (exiting) return;
    if (!data || !Array.isArray(data.messages)) {
      showNetworkError(message, focus === "buttons");
      return;
    }
    // Rasa unavailable (503) or too many messages (429): the message did not get through; its
    // text is shown (not kept) and the same message can be retried.
    const unavailable = status === 503 || status === 429;
    if (!unavailable) state.pending = null;
    const nodes = [];
    for (const raw of data.messages) {
      const entry = validEntry({ ...raw, who: "bot" });
      if (!entry) continue;
      if (unavailable) {
        nodes.push(showLocal(entry.text)); // not kept: the message will be retried
      } else {
        state.entries.push(entry);
        nodes.push(render(entry));
      }
    }
    save();
    if (nodes.length) scrollTo(nodes[0]);
    if (unavailable) showNetworkError(message, focus === "buttons");
    else focusAfterReply(nodes, focus);
  }

  function newMessage(text) {
    return { id: randomId(12), text: text };
  }

  function greet(focus) {
    markAnswered();
    send(newMessage("/greet"), focus);
  }

  function choose(entry, index, element) {
    if (busy || element.disabled) return;
    markAnswered();
    entry.chosen = index;
    element.classList.add("chosen");
    input.focus(); // the pressed button is disabled now; focus goes on from the input
    const payload = entry.buttons[index].payload;
    const language = LANGUAGE_CHOICE.exec(payload);
    if (language && languages.some((l) => l.code === language[1])) {
      state.lang = language[1]; // sent with this message and later ones
      loadTexts(language[1]);
    }
    addUser(entry.buttons[index].title);
    send(newMessage(payload), "buttons");
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy) return;
    const text = input.value;
    if (!text.trim()) {
      showLocal(texts.empty);
      return;
    }
    input.value = "";
    markAnswered();
    addUser(text);
    send(newMessage(text), "input");
    input.focus();
  });

  // --- widget texts and the language menu ----------------------------------------------------

  function applyTexts(data) {
    const t = data.texts || {};
    Object.assign(texts, t);
    widgetLang = typeof data.lang === "string" ? data.lang : widgetLang;
    const dir = data.dir === "rtl" ? "rtl" : "ltr";
    if (Array.isArray(data.languages)) {
      languages = data.languages.filter((l) => l && typeof l.code === "string");
    }
    if (data.dutch_card && typeof data.dutch_card === "object") dutchCard = data.dutch_card;
    const scope = mode === "page" ? [document.documentElement] : [root, launcher, quickExitLink];
    for (const element of scope) {
      if (!element) continue;
      element.lang = widgetLang;
      element.dir = dir;
    }
    if (launcher && launcher.parentElement) {
      launcher.parentElement.lang = widgetLang;
      launcher.parentElement.dir = dir;
    }
    if (mode === "page" && typeof t.page_title === "string") document.title = t.page_title;
    for (const element of document.querySelectorAll("[data-text]")) {
      const value = t[element.dataset.text];
      if (typeof value === "string") element.textContent = value;
    }
    for (const element of document.querySelectorAll("[data-text-linked]")) {
      const value = t[element.dataset.textLinked];
      if (typeof value !== "string") continue;
      element.replaceChildren();
      appendLinkedText(element, value);
    }
    for (const element of document.querySelectorAll("[data-placeholder]")) {
      const value = t[element.dataset.placeholder];
      if (typeof value === "string") element.placeholder = value;
    }
    buildLanguageMenu();
    if (!card.hidden) renderCard();
  }

  async function loadTexts(hint) {
    try {
      const response = await fetch("/api/texts?lang=" + encodeURIComponent(hint), {
        credentials: "omit",
        cache: "no-store",
      });
      if (response.ok) applyTexts(await response.json());
    } catch {
      // keep the texts the page was rendered with
    }
  }

  function languageName(code) {
    const found = languages.find((l) => l.code === code);
    return found ? String(found.name) : code;
  }

  function buildLanguageMenu() {
    languageList.replaceChildren();
    if (languages.length < 2) {
      languageButton.hidden = true;
      return;
    }
    for (const language of languages) {
      const item = document.createElement("li");
      const option = document.createElement("button");
      option.type = "button";
      option.lang = language.code;
      option.dir = language.dir === "rtl" ? "rtl" : "ltr";
      option.textContent = String(language.name);
      if (language.code === widgetLang) option.setAttribute("aria-current", "true");
      option.addEventListener("click", () => chooseLanguage(language.code));
      item.append(option);
      languageList.append(item);
    }
    languageCurrent.textContent = languageName(widgetLang);
    languageCurrent.lang = widgetLang;
    languageButton.hidden = false;
  }

  function languageOptions() {
    return Array.from(languageList.querySelectorAll("button"));
  }

  function openLanguageMenu() {
    languageList.hidden = false;
    languageButton.setAttribute("aria-expanded", "true");
    const options = languageOptions();
    (options.find((o) => o.getAttribute("aria-current") === "true") || options[0]).focus();
  }

  function closeLanguageMenu(focusButton) {
    if (languageList.hidden) return;
    languageList.hidden = true;
    languageButton.setAttribute("aria-expanded", "false");
    if (focusButton) languageButton.focus();
  }

  async function chooseLanguage(code) {
    closeLanguageMenu(false);
    input.focus();
    if (code === widgetLang && state.lang) return;
    state.lang = code;
    save();
    await loadTexts(code);
    if (!busy) greet("buttons"); // the bot greets in the chosen language
  }

  languageButton.addEventListener("click", () => {
    if (languageList.hidden) openLanguageMenu();
    else closeLanguageMenu(true);
  });

  languageList.addEventListener("keydown", (event) => {
    const options = languageOptions();
    const index = options.indexOf(document.activeElement);
    let next = null;
    if (event.key === "ArrowDown") next = options[(index + 1) % options.length];
    else if (event.key === "ArrowUp") next = options[(index - 1 + options.length) % options.length];
    else if (event.key === "Home") next = options[0];
    else if (event.key === "End") next = options.at(-1);
    if (next) {
      event.preventDefault();
      next.focus();
    }
  });

  document.addEventListener("click", (event) => {
    if (!languageList.hidden && !languageList.parentElement.contains(event.target)) {
      closeLanguageMenu(false);
    }
  });

  languageList.addEventListener("focusout", (event) => {
    const next = event.relatedTarget;
    if (next && !languageList.parentElement.contains(next)) closeLanguageMenu(false);
  });

  // --- "show this card": the person's language and Dutch; nothing is stored --------------------

  function cardSide(code, dir, lines) {
    const side = document.createElement("div");
    side.className = "card-side";
    side.lang = code;
    side.dir = dir;
    const name = document.createElement("p");
    name.className = "card-language";
    name.textContent = languageName(code);
    side.append(name);
    for (const line of lines) {
      if (typeof line !== "string" || !line.trim()) continue;
      const p = document.createElement("p");
      p.className = "card-line";
      p.textContent = line;
      side.append(p);
    }
    return side;
  }

  function renderCard() {
    const own = languages.find((l) => l.code === widgetLang);
    const ownDir = own && own.dir === "rtl" ? "rtl" : "ltr";
    cardSides.replaceChildren();
    if (widgetLang !== "nl") {
      cardSides.append(
        cardSide(widgetLang, ownDir, [texts.card_help, texts.card_unsafe, texts.card_interpreter]),
      );
    }
    const dutch = [dutchCard.card_help || texts.card_help, dutchCard.card_unsafe || texts.card_unsafe];
    if (widgetLang !== "nl") dutch.push(texts.card_interpreter_nl);
    cardSides.append(cardSide("nl", "ltr", dutch));
  }

  function openCard(opener) {
    closeLanguageMenu(false);
    cardOpener = opener;
    renderCard();
    conversation.hidden = true;
    card.hidden = false;
    cardTitle.focus();
  }

  function closeCard(moveFocus) {
    if (card.hidden) return;
    card.hidden = true;
    cardSides.replaceChildren();
    conversation.hidden = false;
    if (moveFocus) (cardOpener && cardOpener.isConnected ? cardOpener : input).focus();
    cardOpener = null;
  }

  cardClose.addEventListener("click", () => closeCard(true));

  // --- quick exit: the button, or Escape twice -------------------------------------------------

  function quickExit(event) {
    if (event) event.preventDefault();
    exiting = true;
    if (controller) controller.abort();
    try {
      sessionStorage.clear();
    } catch {
      // nothing stored
    }
    state = emptyState();
    document.title = "";
    body.replaceChildren();
    location.replace(quickExitUrl);
  }

  quickExitLink.addEventListener("click", quickExit);

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || exiting) return;
    const now = Date.now();
    if (now - lastEscape < ESCAPE_WINDOW_MS) {
      quickExit(event);
      return;
    }
    lastEscape = now;
    if (!languageList.hidden) closeLanguageMenu(true);
    else if (!card.hidden) closeCard(true);
    else if (mode === "launcher" && !root.hidden) closeWidget();
  });

  // --- the launcher on a municipal page ------------------------------------------------------

  function updateModality() {
    if (mode !== "launcher") return;
    const covering = !root.hidden && narrow.matches;
    if (site) site.inert = covering;
    root.setAttribute("aria-modal", covering ? "true" : "false");
  }

  function openWidget(moveFocus) {
    root.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    state.open = true;
    save();
    updateModality();
    scrollToEnd();
    if (moveFocus) input.focus();
    if (!state.entries.length && !state.pending && !busy) greet("none");
  }

  function closeWidget() {
    closeLanguageMenu(false);
    closeCard(false);
    root.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    save();
    updateModality();
    launcher.focus();
  }

  if (mode === "launcher") {
    launcher.addEventListener("click", () => openWidget(true));
    closeButton.addEventListener("click", closeWidget);
    closeButton.hidden = false;
    narrow.addEventListener("change", updateModality);
  }

  // --- start ------------------------------------------------------------------------------------

  async function start() {
    restore();
    log.setAttribute("aria-live", "off"); // a restored conversation is not read out again
    for (const entry of state.entries) render(entry);
    if (state.pending) showNetworkError(state.pending, false);
    await loadTexts(state.lang || browserHint);
    log.setAttribute("aria-live", "polite");
    input.disabled = false;
    sendButton.disabled = false;
    if (mode === "launcher") {
      launcher.hidden = false;
      if (state.open) openWidget(false);
    } else {
      scrollToEnd();
      if (!state.entries.length && !state.pending) greet("none");
    }
  }

  start();
})();
