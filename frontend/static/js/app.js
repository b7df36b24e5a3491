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

focusFirstError();
copyOnFocus();
window.jobfair = { api, notice, socket: startSocket() };
