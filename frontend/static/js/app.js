// Page bootstrap: CSRF header for fetch, the live socket for signed-in users, notices.
import { CloseCode } from "./codes.js";
import { Socket } from "./socket.js";

const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content ?? "";

// Every state-changing fetch carries the session's CSRF token.
export function api(url, options = {}) {
  const headers = new Headers(options.headers || {});
  headers.set("X-CSRF-Token", csrfToken);
  headers.set("Accept", "application/json");
  return fetch(url, { credentials: "same-origin", ...options, headers });
}

export function notice(text, kind = "info") {
  const box = document.getElementById("notices");
  if (!box) return;
  const item = document.createElement("p");
  item.className = `notice notice--${kind}`;
  item.textContent = text;
  box.append(item);
  setTimeout(() => item.remove(), 8000);
}

function focusFirstError() {
  const invalid = document.querySelector('[aria-invalid="true"]');
  if (invalid) invalid.focus();
}

function copyOnFocus() {
  for (const input of document.querySelectorAll("input.copy")) {
    input.addEventListener("focus", () => input.select());
  }
}

function startSocket() {
  const userId = document.body.dataset.user;
  if (!userId) return null;
  const socket = new Socket().start();
  socket.addEventListener("close", (e) => {
    document.body.dataset.live = "off";
    if (e.detail.code === CloseCode.SESSION_ENDED) location.reload();
  });
  socket.addEventListener("open", () => {
    document.body.dataset.live = "on";
  });
  socket.subscribe(`user:${userId}`, (frame) => {
    if (frame.data && frame.data.text) notice(frame.data.text);
  });
  const org = document.querySelector("[data-org]")?.dataset.org;
  if (org) {
    socket.subscribe(`org:${org}`, (frame) => {
      if (frame.event === "org.member_joined") {
        const list = document.querySelector('[data-testid="members"]');
        const item = document.createElement("li");
        item.textContent = frame.data.display_name;
        list?.append(item);
      }
    });
  }
  return socket;
}

// Times are rendered in the fair's zone (Asia/Shanghai by default); a viewer elsewhere
// sees them in their own zone, named, so nobody misses a fair by an hour.
function localizeTimes() {
  let viewerZone;
  try {
    viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return;
  }
  if (!viewerZone) return;
  const format = new Intl.DateTimeFormat("sv-SE", {
    timeZone: viewerZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  });
  for (const el of document.querySelectorAll("time[data-zone]")) {
    const moment = new Date(el.getAttribute("datetime"));
    if (el.dataset.zone === viewerZone || Number.isNaN(moment.getTime())) continue;
    el.title = el.textContent;
    el.textContent = format.format(moment);
  }
  for (const label of document.querySelectorAll("[data-zone-label]")) {
    if (label.dataset.zoneLabel !== viewerZone) label.textContent = `(${viewerZone})`;
  }
}

focusFirstError();
localizeTimes();
copyOnFocus();
window.jobfair = { api, notice, socket: startSocket() };
