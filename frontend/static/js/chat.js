// Live chat: a booth's group chat and one-to-one conversations, over the page's socket.
// The server side is app/fair/chat.py and app/fair/chat_frames.py; the frames, the resume
// rule and the errors are in docs/protocol.md ("Chat frames", "Resuming a chat").
// Words come translated from the page (#chat-strings), as the script cannot translate.
// User text is only ever put in the page as text (textContent), never as HTML.
import "./app.js"; // sets window.jobfair (the page's one socket) before this runs

const socket = window.jobfair?.socket ?? null;
const strings = readStrings();
const rooms = new Map(); // room name -> ChatRoom on this page

const BODY_LIMIT = 2000;
const TYPING_EVERY_MS = 2000; // the server passes one typing notice per 2 s anyway
const TYPING_SHOWN_MS = 3000;
const GAP_WAIT_MS = 1500; // live events may rarely cross; a gap still open then is real
const PAGE_SIZE = 50;
const READ_DELAY_MS = 300;
const REASONS = ["money_request", "off_platform", "personal_data", "harassment", "other"];
// http(s) links, ending before white space, quotes, angle brackets and CJK punctuation.
const URL_PATTERN = /https?:\/\/[^\s<>"'\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+/gi;
const TRAILING = /[.,;:!?)\]}]+$/;

function readStrings() {
  try {
    return JSON.parse(document.getElementById("chat-strings")?.dataset.strings || "{}");
  } catch {
    return {};
  }
}

// A translated string with its %(name)s placeholders filled in.
function t(key, vars = {}) {
  const text = typeof strings[key] === "string" ? strings[key] : key;
  return text.replace(/%\((\w+)\)s/g, (_, name) => String(vars[name] ?? ""));
}

function connected() {
  return Boolean(socket && socket.user && socket.ws && socket.ws.readyState === WebSocket.OPEN);
}

function errorText(err) {
  if (err && (err.code === "disconnected" || err.code === "timeout")) return t("disconnected");
  return (err && err.message) || String(err);
}

function newKey() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(text, testid, className = "link") {
  const node = el("button", className, text);
  node.type = "button";
  if (testid) node.dataset.testid = testid;
  return node;
}

// The message text as nodes: plain text, and http(s) addresses as links to a new tab.
export function linkify(text) {
  const nodes = [];
  let at = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let address = match[0];
    const trailing = address.match(TRAILING);
    if (trailing) address = address.slice(0, -trailing[0].length);
    let url = null;
    try {
      url = new URL(address);
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) continue;
    if (match.index > at) nodes.push(document.createTextNode(text.slice(at, match.index)));
    const link = el("a", "chat-link", address);
    link.href = url.href;
    link.rel = "noopener noreferrer";
    link.target = "_blank";
    nodes.push(link);
    at = match.index + address.length;
  }
  if (at < text.length) nodes.push(document.createTextNode(text.slice(at)));
  return nodes;
}

function clock(iso) {
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return "";
  try {
    return new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      hour: "2-digit",
      minute: "2-digit",
    }).format(moment);
  } catch {
    return moment.toISOString().slice(11, 16);
  }
}

class ChatRoom {
  constructor(root) {
    const data = root.dataset;
    this.root = root;
    this.room = data.room;
    this.kind = data.kind;
    this.me = Number(data.me);
    this.staff = data.staff === "true";
    this.canWrite = data.write === "true";
    this.orgName = data.orgName || "";
    this.seeker = Number(data.seeker || 0);
    this.peerRead = Number(data.peerRead || 0);
    this.messages = new Map(); // seq -> {data, node}
    this.lastSeq = 0; // every message up to here is held (or was never ours to hold)
    this.firstSeq = 0; // the oldest held; 0 before the first backlog
    this.outbox = new Map(); // key -> {body, node, seq, state}
    this.joined = false;
    this.joining = null;
    this.gapTimer = null;
    this.marked = 0;
    this.readTimer = null;
    this.inView = true;
    this.lastTyping = 0;
    this.typers = new Map(); // user -> {name, until}
    this.typingTimer = null;
    this.log = root.querySelector("[data-chat-log]");
    this.pinnedBox = root.querySelector("[data-chat-pinned]");
    this.earlier = root.querySelector("[data-chat-earlier]");
    this.typingLine = root.querySelector("[data-chat-typing]");
    this.errorBox = root.querySelector("[data-chat-error]");
    this.form = root.querySelector("[data-chat-form]");
    this.input = root.querySelector("[data-chat-input]");
    this.counter = root.querySelector("[data-chat-count]");
  }

  start() {
    socket.addEventListener("event", (e) => this.onEvent(e.detail));
    socket.addEventListener("open", () => {
      this.showError("");
      this.join();
    });
    socket.addEventListener("close", () => {
      this.joined = false;
      this.showError(t("disconnected"));
    });
    if (connected()) this.join();
    this.earlier?.addEventListener("click", () => this.loadEarlier());
    this.root.querySelector("[data-chat-block]")?.addEventListener("click", () => this.block());
    if (this.form) this.startForm();
    if (this.kind === "conv") this.startReading();
    this.showEmpty();
  }

  // -- joining and catching up ----------------------------------------------------------

  async join() {
    const after = this.lastSeq;
    const attempt = socket.request({ type: "chat.join", room: this.room, after });
    this.joining = attempt;
    let backlog;
    try {
      backlog = await attempt;
    } catch (err) {
      if (this.joining === attempt) this.joining = null;
      if (err && err.code !== "disconnected") this.showError(errorText(err));
      return;
    }
    if (this.joining === attempt) this.joining = null;
    this.joined = true;
    const stick = this.nearBottom();
    for (const message of backlog.messages || []) this.hold(message);
    // The backlog holds everything after `after` up to last_seq (the newest 500 at most).
    this.lastSeq = Math.max(this.lastSeq, backlog.last_seq || 0);
    this.advance();
    if (this.firstSeq === 0 && backlog.messages?.length) this.firstSeq = backlog.messages[0].seq;
    this.updateEarlier();
    this.afterChange(stick || after === 0);
    this.resendFailed();
  }

  // A live event can run ahead of a missing one; a gap that does not fill soon is re-asked.
  checkGap() {
    const ahead = [...this.messages.keys()].some((seq) => seq > this.lastSeq);
    if (!ahead) {
      clearTimeout(this.gapTimer);
      this.gapTimer = null;
      return;
    }
    if (this.gapTimer !== null) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      if (this.joining || !connected()) return;
      if ([...this.messages.keys()].some((seq) => seq > this.lastSeq)) this.join();
    }, GAP_WAIT_MS);
  }

  advance() {
    while (this.messages.has(this.lastSeq + 1)) this.lastSeq += 1;
  }

  async loadEarlier() {
    if (!this.firstSeq || this.firstSeq <= 1) return;
    this.earlier.disabled = true;
    try {
      const page = await socket.request({
        type: "chat.history",
        room: this.room,
        before: this.firstSeq,
        limit: PAGE_SIZE,
      });
      const height = this.log.scrollHeight;
      const top = this.log.scrollTop;
      for (const message of page.messages || []) this.hold(message);
      const got = page.messages || [];
      this.firstSeq = got.length ? Math.min(this.firstSeq, got[0].seq) : 1;
      this.log.scrollTop = top + (this.log.scrollHeight - height);
      this.updateEarlier();
      this.showPinned();
      this.showEmpty();
    } catch (err) {
      this.showError(errorText(err));
    } finally {
      this.earlier.disabled = false;
    }
  }

  updateEarlier() {
    if (this.earlier) this.earlier.hidden = !(this.firstSeq > 1);
  }

  // -- events ---------------------------------------------------------------------------

  onEvent(frame) {
    const data = frame.data || {};
    if (data.room !== this.room) return;
    switch (frame.event) {
      case "chat.message":
        this.live(data);
        break;
      case "chat.pinned":
        this.patch(data.seq, { pinned: true });
        break;
      case "chat.removed":
        this.patch(data.seq, { removed: true, pinned: false, body: "" });
        break;
      case "chat.typing":
        if (data.user !== this.me) this.typing(data.user, data.name);
        break;
      case "chat.blocked":
        if (data.blocked) this.closeForm(t("blocked_room"));
        break;
      case "chat.read":
        if (this.isPeer(data.user) && data.seq > this.peerRead) {
          this.peerRead = data.seq;
          this.showReceipt();
        }
        break;
      default:
        break;
    }
  }

  onConversationEvent(frame) {
    if (frame.event === "conversation.ended") this.closeForm(t("ended"));
  }

  isPeer(user) {
    if (user === this.me) return false;
    return this.staff ? user === this.seeker : true;
  }

  live(message) {
    // Messages up to lastSeq are held (or were covered by a backlog): a repeat is dropped.
    if (message.seq <= this.lastSeq || this.messages.has(message.seq)) return;
    const stick = this.nearBottom() || message.sender === this.me;
    this.hold(message);
    this.advance();
    this.typers.delete(message.sender);
    this.showTyping();
    this.afterChange(stick);
  }

  outboxSeq(seq) {
    for (const entry of this.outbox.values()) if (entry.seq === seq) return entry;
    return null;
  }

  // Keep a message (once), in seq order; one of ours in the outbox gives its place up.
  hold(message) {
    if (this.messages.has(message.seq)) return;
    const node = this.render(message);
    this.messages.set(message.seq, { data: message, node });
    const sent = this.outboxSeq(message.seq);
    if (sent) {
      sent.node.remove();
      this.outbox.delete(sent.key);
    }
    // After the nearest older message (usually the last one); our unsent ones stay below.
    let older = this.log.lastElementChild;
    while (older && !(older.dataset.seq !== undefined && Number(older.dataset.seq) < message.seq)) {
      older = older.previousElementSibling;
    }
    if (older) older.after(node);
    else this.log.prepend(node);
    if (this.firstSeq && message.seq < this.firstSeq) this.firstSeq = message.seq;
  }

  patch(seq, changes) {
    const held = this.messages.get(seq);
    if (!held) return;
    Object.assign(held.data, changes);
    const node = this.render(held.data);
    held.node.replaceWith(node);
    held.node = node;
    this.showPinned();
    this.showReceipt();
  }

  afterChange(stickToBottom) {
    this.checkGap();
    this.showPinned();
    this.showReceipt();
    this.showEmpty();
    if (stickToBottom) this.log.scrollTop = this.log.scrollHeight;
    this.scheduleRead();
  }

  nearBottom() {
    return this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 40;
  }

  // -- rendering ------------------------------------------------------------------------

  render(message) {
    const mine = message.sender === this.me;
    const item = el("li", "chat-msg");
    item.dataset.seq = String(message.seq);
    item.dataset.sender = String(message.sender);
    item.dataset.testid = "chat-message";
    if (mine) item.classList.add("chat-msg--mine");
    if (message.staff) item.classList.add("chat-msg--staff");
    if (message.removed) item.classList.add("chat-msg--removed");
    if (message.pinned) item.classList.add("chat-msg--pinned");

    const meta = el("p", "chat-meta");
    meta.append(el("span", "chat-name", message.name || ""));
    if (message.staff) {
      const badge = el("span", "badge chat-staff", this.orgName ? `${t("staff")} · ${this.orgName}` : t("staff"));
      badge.dataset.testid = "chat-staff";
      meta.append(" ", badge);
    }
    if (message.pinned && !message.removed) meta.append(" ", el("span", "badge chat-pin-badge", t("pinned")));
    const time = el("time", "chat-time", clock(message.at));
    time.dateTime = message.at || "";
    meta.append(" ", time);
    item.append(meta);

    if (message.removed) {
      const body = el("p", "chat-body chat-body--removed", t("removed"));
      body.dataset.testid = "chat-removed";
      item.append(body);
      return item;
    }
    const body = el("p", "chat-body");
    body.dataset.testid = "chat-body";
    body.append(...linkify(message.body || ""));
    item.append(body);
    if (message.warning) {
      const warning = el("p", "chat-warning", t("warning"));
      warning.setAttribute("role", "note");
      warning.dataset.testid = "chat-warning";
      item.append(warning);
    }
    if (this.staff && Array.isArray(message.flagged) && message.flagged.length) {
      const names = message.flagged.map((code) => (strings.reasons || {})[code] || code);
      item.append(el("p", "chat-flagged", t("flagged", { categories: names.join(", ") })));
    }
    item.append(this.tools(message, mine));
    return item;
  }

  tools(message, mine) {
    const tools = el("div", "chat-tools");
    if (this.kind === "booth" && this.staff) {
      if (!message.pinned) {
        const pin = button(t("pin"), "chat-pin");
        pin.addEventListener("click", () => this.moderate("chat.pin", message.seq, pin));
        tools.append(pin);
      }
      const remove = button(t("remove"), "chat-remove");
      remove.addEventListener("click", () => {
        if (window.confirm(t("remove_confirm"))) this.moderate("chat.remove", message.seq, remove);
      });
      tools.append(remove);
    }
    if (!mine && !(this.staff && message.staff)) {
      const report = button(t("report"), "chat-report");
      report.addEventListener("click", () => this.reportForm(tools, message.seq, report));
      tools.append(report);
    }
    return tools;
  }

  showPinned() {
    if (!this.pinnedBox) return;
    let pinned = null;
    for (const { data } of this.messages.values()) {
      if (data.pinned && !data.removed && (!pinned || data.seq > pinned.seq)) pinned = data;
    }
    this.pinnedBox.replaceChildren();
    this.pinnedBox.hidden = !pinned;
    if (!pinned) return;
    const head = el("p", "chat-meta");
    head.append(el("strong", "", t("pinned")), " · ", el("span", "chat-name", pinned.name || ""));
    if (pinned.staff) head.append(" ", el("span", "badge chat-staff", t("staff")));
    const body = el("p", "chat-body");
    body.append(...linkify(pinned.body || ""));
    this.pinnedBox.dataset.seq = String(pinned.seq);
    this.pinnedBox.append(head, body);
  }

  // "read" under our own last message once the other side's mark covers it.
  showReceipt() {
    for (const node of this.log.querySelectorAll(".chat-status--held")) node.remove();
    let last = null;
    for (const { data, node } of this.messages.values()) {
      if (data.sender === this.me && (!last || data.seq > last.data.seq)) last = { data, node };
    }
    if (!last || last.data.removed) return;
    const read = this.kind === "conv" && this.peerRead >= last.data.seq;
    const status = el("p", "chat-status chat-status--held", read ? t("read") : t("sent"));
    status.dataset.testid = "chat-status";
    status.dataset.state = read ? "read" : "sent";
    last.node.append(status);
  }

  showEmpty() {
    const empty = this.messages.size === 0 && this.outbox.size === 0;
    let note = this.log.querySelector(".chat-empty");
    if (empty && !note) {
      note = el("li", "chat-empty", t("empty"));
      this.log.append(note);
    } else if (!empty && note) {
      note.remove();
    }
  }

  showError(message) {
    if (!this.errorBox) return;
    this.errorBox.textContent = message;
    this.errorBox.hidden = !message;
  }

  // -- sending --------------------------------------------------------------------------

  startForm() {
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.submit();
    });
    this.input.addEventListener("keydown", (e) => {
      if (e.key !== "Enter" || e.shiftKey || e.isComposing || e.keyCode === 229) return;
      e.preventDefault();
      this.submit();
    });
    this.input.addEventListener("input", () => {
      this.count();
      this.typed();
    });
    this.count();
  }

  count() {
    const length = [...this.input.value].length;
    this.counter.textContent = t("count", { n: length, max: BODY_LIMIT });
    const over = length > BODY_LIMIT;
    this.counter.classList.toggle("chat-count--over", over);
    this.form.querySelector("button[type=submit]").disabled = over;
  }

  typed() {
    const now = Date.now();
    if (!this.input.value.trim() || now - this.lastTyping < TYPING_EVERY_MS || !connected()) return;
    this.lastTyping = now;
    socket.send({ type: "chat.typing", room: this.room });
  }

  submit() {
    const body = this.input.value.trim();
    if (!body) return;
    if ([...body].length > BODY_LIMIT) {
      this.showError(t("too_long", { limit: BODY_LIMIT }));
      return;
    }
    this.input.value = "";
    this.count();
    this.lastTyping = 0;
    const entry = { key: newKey(), body, node: null, seq: null, state: "sending" };
    entry.node = this.outgoing(entry);
    this.outbox.set(entry.key, entry);
    this.showEmpty();
    this.log.append(entry.node);
    this.log.scrollTop = this.log.scrollHeight;
    this.deliver(entry);
  }

  // The same key on every try: a resend of a stored message gets its first ack back.
  async deliver(entry) {
    this.setState(entry, "sending");
    try {
      const ack = await socket.request({ type: "chat.send", room: this.room, body: entry.body, key: entry.key });
      entry.seq = ack.seq;
      const held = this.messages.get(ack.seq);
      if (held) {
        entry.node.remove();
        this.outbox.delete(entry.key);
        this.showReceipt();
      } else {
        this.setState(entry, "sent");
      }
      this.showError("");
    } catch (err) {
      entry.error = err;
      this.setState(entry, "failed", errorText(err));
    }
  }

  resendFailed() {
    for (const entry of this.outbox.values()) {
      const code = entry.error && entry.error.code;
      if (entry.state === "failed" && (code === "disconnected" || code === "timeout")) this.deliver(entry);
    }
  }

  outgoing(entry) {
    const item = el("li", "chat-msg chat-msg--mine chat-msg--outgoing");
    item.dataset.testid = "chat-outgoing";
    const body = el("p", "chat-body");
    body.dataset.testid = "chat-body";
    body.append(...linkify(entry.body));
    const status = el("p", "chat-status");
    status.dataset.testid = "chat-status";
    item.append(body, status);
    return item;
  }

  setState(entry, state, reason = "") {
    entry.state = state;
    const status = entry.node.querySelector(".chat-status");
    status.replaceChildren();
    status.dataset.state = state;
    entry.node.classList.toggle("chat-msg--failed", state === "failed");
    if (state === "sending") status.textContent = t("sending");
    else if (state === "sent") status.textContent = t("sent");
    else {
      const retry = button(t("retry"), "chat-retry");
      retry.addEventListener("click", () => this.deliver(entry));
      status.append(el("span", "", t("failed", { reason })), " ", retry);
    }
  }

  closeForm(hint) {
    if (!this.form || this.form.hidden) return;
    this.form.hidden = true;
    this.canWrite = false;
    const note = el("p", "hint", hint);
    note.dataset.testid = "chat-hint";
    this.form.after(note);
  }

  // -- typing ---------------------------------------------------------------------------

  typing(user, name) {
    this.typers.set(user, { name: name || "", until: Date.now() + TYPING_SHOWN_MS });
    this.showTyping();
  }

  showTyping() {
    if (!this.typingLine) return;
    const now = Date.now();
    for (const [user, who] of this.typers) if (who.until <= now) this.typers.delete(user);
    const names = [...this.typers.values()].map((who) => who.name);
    this.typingLine.textContent = names.length ? t("typing", { name: names.join(", ") }) : "";
    clearTimeout(this.typingTimer);
    if (names.length) {
      const next = Math.min(...[...this.typers.values()].map((who) => who.until)) - now;
      this.typingTimer = setTimeout(() => this.showTyping(), Math.max(50, next));
    }
  }

  // -- read marks (conversation rooms) -----------------------------------------------------

  startReading() {
    document.addEventListener("visibilitychange", () => this.scheduleRead());
    if ("IntersectionObserver" in window) {
      new IntersectionObserver((entries) => {
        this.inView = entries.some((entry) => entry.isIntersecting);
        this.scheduleRead();
      }).observe(this.log);
    }
  }

  scheduleRead() {
    if (this.kind !== "conv" || this.readTimer !== null) return;
    this.readTimer = setTimeout(() => {
      this.readTimer = null;
      this.markRead();
    }, READ_DELAY_MS);
  }

  async markRead() {
    const seq = this.lastSeq;
    if (seq < 1 || seq <= this.marked || !this.joined) return;
    if (document.visibilityState !== "visible" || !this.inView) return;
    this.marked = seq;
    try {
      const reply = await socket.request({ type: "chat.read", room: this.room, seq });
      this.marked = Math.max(this.marked, reply.seq || 0);
    } catch {
      this.marked = 0; // tried again with the next message or reconnect
    }
  }

  // -- staff moderation, reports, blocking -------------------------------------------------

  async moderate(type, seq, control) {
    control.disabled = true;
    try {
      await socket.request({ type, room: this.room, seq });
      this.patch(seq, type === "chat.pin" ? { pinned: true } : { removed: true, pinned: false, body: "" });
      this.showError("");
    } catch (err) {
      this.showError(errorText(err));
      control.disabled = false;
    }
  }

  reportForm(tools, seq, opener) {
    if (tools.querySelector(".chat-report-form")) return;
    opener.hidden = true;
    const box = el("div", "chat-report-form");
    box.dataset.testid = "chat-report-form";
    const id = `chat-reason-${this.room.replace(":", "-")}-${seq}`;
    const label = el("label", "", t("report_reason"));
    label.htmlFor = id;
    const select = el("select");
    select.id = id;
    select.dataset.testid = "chat-report-reason";
    for (const reason of REASONS) {
      const option = el("option", "", (strings.reasons || {})[reason] || reason);
      option.value = reason;
      select.append(option);
    }
    const send = button(t("report_send"), "chat-report-send", "button button--secondary");
    const cancel = button(t("cancel"), "chat-report-cancel");
    const result = el("p", "chat-report-result");
    result.setAttribute("role", "status");
    result.dataset.testid = "chat-report-result";
    cancel.addEventListener("click", () => {
      box.remove();
      opener.hidden = false;
    });
    send.addEventListener("click", async () => {
      send.disabled = true;
      try {
        await socket.request({ type: "chat.report", room: this.room, seq, reason: select.value });
        const done = el("p", "chat-report-result", t("reported"));
        done.setAttribute("role", "status");
        done.dataset.testid = "chat-report-result";
        box.replaceWith(done);
      } catch (err) {
        result.textContent = errorText(err);
        result.classList.add("error");
        send.disabled = false;
      }
    });
    box.append(label, select, send, cancel, result);
    tools.append(box);
    select.focus();
  }

  async block() {
    if (!window.confirm(t("block_confirm"))) return;
    const control = this.root.querySelector("[data-chat-block]");
    control.disabled = true;
    try {
      await socket.request({ type: "chat.block", room: this.room });
      control.replaceWith(el("span", "muted", t("blocked")));
      this.showError("");
    } catch (err) {
      this.showError(errorText(err));
      control.disabled = false;
    }
  }
}

// -- a new message elsewhere: a notice on any page outside that conversation ------------------

function alertsBox() {
  let box = document.getElementById("fair-alerts");
  if (!box) {
    box = el("div", "fair-alerts");
    box.id = "fair-alerts";
    box.setAttribute("aria-live", "polite");
    document.body.prepend(box);
  }
  return box;
}

function showNotice(data) {
  const conversation = Number(data.conversation);
  document.querySelector(`.chat-notice[data-conversation="${conversation}"]`)?.remove();
  const item = el("div", "fair-alert chat-notice");
  item.setAttribute("role", "status");
  item.dataset.testid = "chat-notice";
  item.dataset.conversation = String(conversation);
  const head = el("p");
  head.append(el("strong", "", t("notice", { name: data.from || "" })));
  const preview = el("p", "chat-notice-preview", data.preview || "");
  const open = el("a", "button", t("open"));
  open.href = `/conversations/${conversation}`;
  open.dataset.testid = "chat-notice-open";
  const close = button("×", "", "fair-alert-close");
  close.setAttribute("aria-label", "×");
  close.addEventListener("click", () => item.remove());
  item.append(head, preview, open, close);
  alertsBox().append(item);
}

function bumpUnread(conversation) {
  const badge = document.querySelector(`[data-testid="unread-${Number(conversation)}"]`);
  if (!badge) return;
  const n = Number(badge.dataset.unread || 0) + 1;
  badge.dataset.unread = String(n);
  badge.textContent = t("unread", { n });
  badge.hidden = false;
}

function startNotices() {
  const user = document.body.dataset.user;
  if (!user) return;
  socket.subscribe(`user:${user}`, (frame) => {
    if (frame.event !== "chat.notice") return;
    const data = frame.data || {};
    if (rooms.has(data.room)) return; // the room itself is on this page
    bumpUnread(data.conversation);
    showNotice(data);
  });
}

// -- start ------------------------------------------------------------------------------------

if (socket) {
  for (const root of document.querySelectorAll("[data-chat][data-room]")) {
    const room = new ChatRoom(root);
    rooms.set(room.room, room);
    room.start();
  }
  // conversation.ended and handed_over come on the conversation's channel once joined.
  socket.addEventListener("event", (e) => {
    const frame = e.detail;
    const room = rooms.get(frame.channel);
    if (room && frame.event && frame.event.startsWith("conversation.")) room.onConversationEvent(frame);
  });
  startNotices();
}
