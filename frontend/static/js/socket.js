// One multiplexed WebSocket per tab: reconnects with jittered exponential backoff,
// re-subscribes its channels, pings to keep the connection alive, and matches replies
// to requests by id. See docs/protocol.md.
import { CloseCode, FINAL_CODES } from "./codes.js";

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 30000;
const REQUEST_TIMEOUT_MS = 10000;

export class Socket extends EventTarget {
  constructor(url = defaultUrl()) {
    super();
    this.url = url;
    this.ws = null;
    this.attempt = 0;
    this.nextId = 1;
    this.pending = new Map();
    this.channels = new Map(); // channel -> Set of handlers
    this.heartbeat = null;
    this.stopped = false;
    this.user = null;
  }

  start() {
    this.stopped = false;
    this.connect();
    return this;
  }

  stop() {
    this.stopped = true;
    clearInterval(this.heartbeat);
    if (this.ws) this.ws.close(CloseCode.NORMAL);
  }

  connect() {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.addEventListener("message", (e) => this.onFrame(e.data));
    ws.addEventListener("close", (e) => this.onClose(e));
  }

  onFrame(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (frame.type === "hello") {
      this.attempt = 0;
      this.user = frame.user;
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => this.send({ type: "ping" }), frame.heartbeat_s * 1000);
      for (const channel of this.channels.keys()) {
        this.request({ type: "subscribe", channel }).catch((err) => this.emit("error", err));
      }
      this.emit("open", frame);
      return;
    }
    if (frame.id !== undefined && this.pending.has(frame.id)) {
      const { resolve, reject, timer } = this.pending.get(frame.id);
      clearTimeout(timer);
      this.pending.delete(frame.id);
      if (frame.type === "error") reject(frame);
      else resolve(frame);
      return;
    }
    if (frame.type === "event") {
      for (const handler of this.channels.get(frame.channel) || []) handler(frame);
    }
    this.emit(frame.type, frame);
  }

  onClose(event) {
    clearInterval(this.heartbeat);
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject({ type: "error", code: "disconnected", message: "disconnected" });
    }
    this.pending.clear();
    this.emit("close", { code: event.code, reason: event.reason });
    if (this.stopped || FINAL_CODES.has(event.code)) return;
    // Full jitter: spreads a crowd of clients reconnecting after a node restart.
    const cap = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** this.attempt);
    this.attempt += 1;
    setTimeout(() => this.connect(), Math.random() * cap);
  }

  send(frame) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  request(frame) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (!this.send({ ...frame, id })) {
        reject({ type: "error", code: "disconnected", message: "not connected" });
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject({ type: "error", code: "timeout", message: "no reply" });
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
    });
  }

  // Listen to a channel; survives reconnects. Returns a function that stops listening.
  subscribe(channel, handler) {
    let handlers = this.channels.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.channels.set(channel, handlers);
      if (this.user) this.request({ type: "subscribe", channel }).catch((err) => this.emit("error", err));
    }
    handlers.add(handler);
    return () => {
      handlers.delete(handler);
      if (handlers.size === 0) {
        this.channels.delete(channel);
        this.send({ type: "unsubscribe", channel });
      }
    };
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

function defaultUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws`;
}
