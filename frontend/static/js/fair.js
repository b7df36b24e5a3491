// Fair pages: live visitor counts, the booth queue widget, and calls from any booth.
// The server side is app/fair/frames.py (frames) and app/fair/queues.py (events).
// Words come translated from the page (#fair-strings), as the script cannot translate.
import "./app.js"; // sets window.jobfair (the page's one socket) before this runs

const socket = window.jobfair?.socket ?? null;
const strings = readStrings();
const ACTIVE = new Set(["waiting", "invited"]);
const widgets = new Map(); // booth id -> QueueWidget on this page

function readStrings() {
  try {
    return JSON.parse(document.getElementById("fair-strings")?.dataset.strings || "{}");
  } catch {
    return {};
  }
}

// A translated string with its %(name)s placeholders filled in.
export function t(key, vars = {}) {
  const text = typeof strings[key] === "string" ? strings[key] : key;
  return text.replace(/%\((\w+)\)s/g, (_, name) => String(vars[name] ?? ""));
}

function connected() {
  return Boolean(socket && socket.user && socket.ws && socket.ws.readyState === WebSocket.OPEN);
}

// Run now if connected, and again after every (re)connection: the server forgets a
// socket's presence and the line may have moved while we were away.
function whenOpen(action) {
  if (!socket) return;
  socket.addEventListener("open", () => action());
  if (connected()) action();
}

function errorText(err) {
  if (err && (err.code === "disconnected" || err.code === "timeout")) return t("disconnected");
  return (err && err.message) || String(err);
}

// -- visitor counts -------------------------------------------------------------------

function showCounts(data) {
  for (const el of document.querySelectorAll("[data-count-fair]")) {
    el.textContent = String(data.fair ?? 0);
  }
  for (const el of document.querySelectorAll("[data-count-booth]")) {
    el.textContent = String((data.booths || {})[el.dataset.countBooth] ?? 0);
  }
}

function startPresence(page) {
  const fair = Number(page.dataset.fair);
  const booth = page.dataset.booth ? Number(page.dataset.booth) : null;
  socket.subscribe(`fair:${fair}`, (frame) => {
    if (frame.event === "presence") showCounts(frame.data || {});
  });
  whenOpen(() => {
    const frame = booth ? { type: "presence", fair, booth } : { type: "presence", fair };
    socket.request(frame).catch(() => {});
  });
}

// -- the queue widget on a booth page ---------------------------------------------------

function etaOf(ahead, facts) {
  if (!facts.staff_on_duty) return null;
  return Math.floor((ahead * facts.avg_service_s) / facts.staff_on_duty);
}

function factsOf(frame) {
  const { waiting, staff_on_duty, staff_busy, avg_service_s, open, closes_at } = frame;
  return { waiting, staff_on_duty, staff_busy, avg_service_s, open, closes_at };
}

class QueueWidget {
  constructor(root) {
    this.root = root;
    this.booth = Number(root.dataset.booth);
    this.org = root.dataset.org || "";
    this.seeker = root.dataset.seeker === "true";
    this.v = null; // the line version this view reflects; null until the first state
    this.facts = null;
    this.ticket = null; // the seeker's latest ticket here (a queue.ticket frame), if any
  }

  part(testid) {
    return this.root.querySelector(`[data-testid="${testid}"]`);
  }

  start() {
    socket.subscribe(`queue:${this.booth}`, (frame) => {
      if (frame.event === "queue.moved") this.moved(frame.data || {});
    });
    whenOpen(() => this.send("queue.state"));
    const buttons = {
      "queue-join": "queue.join",
      "queue-leave": "queue.leave",
      "queue-accept": "queue.accept",
      "queue-follow-up": "queue.follow_up",
    };
    for (const [testid, type] of Object.entries(buttons)) {
      this.part(testid)?.addEventListener("click", () => this.send(type));
    }
    setInterval(() => this.tick(), 1000);
  }

  async send(type) {
    this.showError("");
    try {
      this.handle(await socket.request({ type, booth: this.booth }));
    } catch (err) {
      this.showError(errorText(err));
    }
  }

  handle(frame) {
    switch (frame.type) {
      case "queue.ticket":
        this.ticket = frame;
        this.v = frame.v;
        this.facts = factsOf(frame);
        break;
      case "queue.facts":
        this.ticket = null;
        this.v = frame.v;
        this.facts = factsOf(frame);
        break;
      case "queue.left":
        this.send("queue.state");
        return;
      case "queue.accepted":
        location.assign(`/conversations/${frame.conversation}`);
        return;
      default:
        return;
    }
    this.render();
  }

  // One event per change of the line; the client keeps its own place from it and asks
  // for a fresh state only after a gap or a change to its own ticket.
  moved(data) {
    if (this.v === null || data.v <= this.v) return;
    if (data.v !== this.v + 1) {
      this.send("queue.state");
      return;
    }
    this.v = data.v;
    this.facts = factsOf(data);
    const ticket = this.ticket;
    if (ticket && ACTIVE.has(ticket.status)) {
      const left = data.left || [];
      if (left.includes(ticket.seq) || data.invited === ticket.seq) {
        this.send("queue.state");
        return;
      }
      ticket.ahead = Math.max(0, ticket.ahead - left.filter((seq) => seq < ticket.seq).length);
      ticket.position = ticket.ahead + 1;
      ticket.eta_s = etaOf(ticket.ahead, this.facts);
    }
    this.render();
  }

  longWait() {
    const ticket = this.ticket;
    if (!ticket || ticket.status !== "waiting") return false;
    if (!this.facts.open || !this.facts.closes_at) return true;
    const untilClose = (Date.parse(this.facts.closes_at) - Date.now()) / 1000;
    return ticket.eta_s === null || ticket.eta_s === undefined || ticket.eta_s > untilClose;
  }

  render() {
    const facts = this.facts;
    const ticket = this.ticket;
    if (!facts) return;
    const active = Boolean(ticket && ACTIVE.has(ticket.status));
    const status = this.part("queue-status");
    status.textContent = ticket
      ? (strings.ticket || {})[ticket.status] || ticket.status
      : facts.open ? t("open") : t("closed");
    status.dataset.status = ticket ? ticket.status : facts.open ? "open" : "closed";
    this.root.querySelector("[data-queue-waiting]").textContent = t("waiting", { n: facts.waiting });
    this.root.querySelector("[data-queue-staff]").textContent = t("staff", {
      free: Math.max(0, facts.staff_on_duty - facts.staff_busy),
      busy: facts.staff_busy,
    });
    for (const el of document.querySelectorAll(`[data-staff-count="${this.booth}"]`)) {
      el.textContent = String(facts.staff_on_duty);
    }
    const position = this.part("queue-position");
    position.hidden = !active;
    if (active) {
      position.textContent = `${t("position", { seq: ticket.seq, position: ticket.position })} · ${t("ahead", { n: ticket.ahead })}`;
      position.dataset.ahead = String(ticket.ahead);
    }
    const eta = this.part("queue-eta");
    eta.hidden = !(ticket && (ticket.status === "waiting" || ticket.status === "follow_up" || ticket.status === "served"));
    if (ticket && ticket.status === "waiting") {
      eta.textContent = ticket.eta_s === null || ticket.eta_s === undefined
        ? t("eta_none")
        : t("eta", { minutes: Math.max(1, Math.ceil(ticket.eta_s / 60)) });
    } else if (ticket && ticket.status === "follow_up") {
      eta.textContent = t("follow_up_mine", { date: ticket.follow_up_by || "" });
    } else if (ticket && ticket.status === "served") {
      eta.textContent = t("served");
    }
    const invite = this.part("queue-invite");
    invite.hidden = !(ticket && ticket.status === "invited");
    if (!invite.hidden) invite.querySelector("[data-invite-text]").textContent = t("invited", { org: this.org });
    const join = this.part("queue-join");
    if (join) join.hidden = !(this.seeker && !active && facts.open);
    const leave = this.part("queue-leave");
    if (leave) leave.hidden = !active;
    const conversation = this.root.querySelector("[data-queue-conversation]");
    if (conversation) {
      const open = Boolean(ticket && ticket.status === "served" && ticket.conversation);
      conversation.hidden = !open;
      if (open) conversation.href = `/conversations/${ticket.conversation}`;
    }
    this.tick();
  }

  // Once a second: the call's countdown and whether waiting is still worth it today.
  tick() {
    const ticket = this.ticket;
    const followUp = this.part("queue-follow-up");
    if (followUp && this.facts) followUp.hidden = !this.longWait();
    if (ticket && ticket.status === "invited" && ticket.invite_expires_at) {
      const left = Math.max(0, Math.ceil((Date.parse(ticket.invite_expires_at) - Date.now()) / 1000));
      this.root.querySelector("[data-invite-countdown]").textContent = t("seconds_left", { s: left });
    }
  }

  showError(message) {
    const box = this.root.querySelector("[data-queue-error]");
    box.textContent = message;
    box.hidden = !message;
  }
}

// -- calls and queue notices on any fair page ---------------------------------------------

let audio = null;

function unlockAudio() {
  try {
    audio = audio || new AudioContext();
    if (audio.state === "suspended") audio.resume();
  } catch {
    audio = null;
  }
}

// Two short tones, made here: no audio file to fetch.
function beep() {
  try {
    audio = audio || new AudioContext();
    if (audio.state === "suspended") audio.resume();
    const start = audio.currentTime;
    [880, 1175].forEach((frequency, i) => {
      const at = start + i * 0.22;
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.2);
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + 0.21);
    });
  } catch {
    // No sound (autoplay rules, no audio device): the notice is shown all the same.
  }
}

function alertsBox() {
  let box = document.getElementById("fair-alerts");
  if (!box) {
    box = document.createElement("div");
    box.id = "fair-alerts";
    box.className = "fair-alerts";
    document.body.prepend(box);
  }
  return box;
}

function dismissible(element) {
  const close = document.createElement("button");
  close.type = "button";
  close.className = "fair-alert-close";
  close.textContent = "×";
  close.setAttribute("aria-label", "×");
  close.addEventListener("click", () => element.remove());
  element.append(close);
}

function showAlert(text, kind, testid) {
  const item = document.createElement("div");
  item.className = `fair-alert fair-alert--${kind}`;
  item.setAttribute("role", "status");
  item.dataset.testid = testid;
  const p = document.createElement("p");
  p.textContent = text;
  item.append(p);
  dismissible(item);
  alertsBox().append(item);
}

function dropCall(booth) {
  document.querySelector(`.fair-call[data-booth="${booth}"]`)?.remove();
}

function showCall(data) {
  dropCall(data.booth);
  const box = document.createElement("div");
  box.className = "fair-alert fair-alert--call fair-call";
  box.setAttribute("role", "alertdialog");
  box.setAttribute("aria-live", "assertive");
  box.dataset.booth = String(data.booth);
  box.dataset.testid = "call-notice";
  const text = document.createElement("p");
  const strong = document.createElement("strong");
  strong.textContent = t("invited", { org: data.org || "" });
  const countdown = document.createElement("span");
  countdown.className = "fair-call-countdown";
  text.append(strong, " ", countdown);
  const accept = document.createElement("button");
  accept.type = "button";
  accept.className = "button";
  accept.dataset.testid = "call-accept";
  accept.textContent = t("accept");
  const problem = document.createElement("p");
  problem.className = "error";
  problem.hidden = true;
  accept.addEventListener("click", async () => {
    accept.disabled = true;
    try {
      const reply = await socket.request({ type: "queue.accept", booth: data.booth });
      location.assign(`/conversations/${reply.conversation}`);
    } catch (err) {
      problem.textContent = errorText(err);
      problem.hidden = false;
      accept.disabled = false;
    }
  });
  box.append(text, accept, problem);
  dismissible(box);
  alertsBox().prepend(box);
  const expires = Date.parse(data.expires_at) || Date.now() + (data.ttl_s || 60) * 1000;
  const update = () => {
    if (!box.isConnected) return clearInterval(timer);
    const left = Math.max(0, Math.ceil((expires - Date.now()) / 1000));
    countdown.textContent = t("seconds_left", { s: left });
  };
  const timer = setInterval(update, 1000);
  update();
  box.scrollIntoView?.({ block: "nearest" });
  accept.focus({ preventScroll: true });
}

function startCalls() {
  const user = document.body.dataset.user;
  if (!user || document.body.dataset.role !== "seeker") return;
  document.addEventListener("pointerdown", unlockAudio, { once: true });
  document.addEventListener("keydown", unlockAudio, { once: true });
  socket.subscribe(`user:${user}`, (frame) => {
    const data = frame.data || {};
    switch (frame.event) {
      case "queue.invited":
        showCall(data);
        beep();
        break;
      case "queue.missed":
        dropCall(data.booth);
        showAlert(t("missed"), "warn", "call-missed");
        break;
      case "queue.lapsed":
        showAlert(t("lapsed"), "warn", "call-lapsed");
        break;
      case "queue.follow_up":
        showAlert(t("follow_up", { org: data.org || "", date: data.follow_up_by || "" }), "info", "call-follow-up");
        break;
      default:
        return;
    }
    // The widget of that booth, if it is on this page, fetches its ticket again.
    widgets.get(Number(data.booth))?.send("queue.state");
  });
}

// -- start ------------------------------------------------------------------------------------

if (socket) {
  const page = document.querySelector("[data-fair-page][data-presence]");
  if (page) startPresence(page);
  for (const root of document.querySelectorAll("[data-queue]")) {
    const widget = new QueueWidget(root);
    widgets.set(widget.booth, widget);
    widget.start();
  }
  startCalls();
  socket.addEventListener("close", () => {
    for (const widget of widgets.values()) widget.showError(t("disconnected"));
  });
  socket.addEventListener("open", () => {
    for (const widget of widgets.values()) widget.showError("");
  });
}
