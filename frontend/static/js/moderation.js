// Moderator pages: keyboard shortcuts (A approve, R reject, C request changes, N next)
// and renewing the item's lease while the page stays open.
import { api, notice } from "./app.js";

const RENEW_EVERY_MS = 60_000;

function typing(target) {
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  const button = document.querySelector(`[data-shortcut="${event.key.toLowerCase()}"]`);
  if (button) {
    event.preventDefault();
    button.click();
  }
});

const leased = document.querySelector("[data-lease-item]");
if (leased) {
  const item = leased.dataset.leaseItem;
  setInterval(async () => {
    const response = await api(`/moderation/items/${item}/renew`, { method: "POST" });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      notice(body.message || "lease lost", "error");
    }
  }, RENEW_EVERY_MS);
}
