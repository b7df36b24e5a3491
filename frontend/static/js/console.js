// The booth console: duty toggle and "call next" over the socket; the line itself is a
// server-rendered fragment, re-fetched (at most once a second) whenever the line changes.
import { notice } from "./app.js";

const REFRESH_GAP_MS = 1000;
const SAFETY_REFRESH_MS = 30000; // "away" marks and visitors change without an event

const root = document.querySelector("[data-console]");

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));
}

// A short two-tone chime; browsers allow sound once the page has had a click.
let audio = null;
function unlockAudio() {
  try {
    audio = audio || new AudioContext();
    if (audio.state === "suspended") audio.resume();
  } catch {
    audio = null;
  }
}

function chime() {
  try {
    audio = audio || new AudioContext();
    const now = audio.currentTime;
    for (const [offset, freq] of [[0, 880], [0.18, 1320]]) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.2, now + offset);
      gain.gain.exponentialRampToValueAtTime(0.001, now + offset + 0.3);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + offset);
      osc.stop(now + offset + 0.3);
    }
  } catch {
    // No audio available: the visual notice is enough.
  }
}

function flash() {
  root.classList.remove("console--flash");
  void root.offsetWidth; // restart the animation
  root.classList.add("console--flash");
}

function startConsole(socket) {
  const booth = Number(root.dataset.booth);
  const msg = root.dataset;
  const line = document.getElementById("console-line");
  const called = root.querySelector('[data-testid="console-called"]');
  const duty = root.querySelector('[data-testid="duty-toggle"]');
  const callNext = root.querySelector('[data-testid="call-next"]');

  let lastFetch = 0;
  let timer = null;
  let fetching = false;

  async function refresh() {
    if (fetching) {
      schedule();
      return;
    }
    fetching = true;
    lastFetch = Date.now();
    try {
      const response = await fetch(`/booths/${booth}/console/line`, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (response.ok) line.innerHTML = await response.text();
    } catch {
      // Offline for a moment: the next event or the safety refresh tries again.
    } finally {
      fetching = false;
    }
  }

  // Throttle: many events in a burst cost one request a second at most.
  function schedule() {
    if (timer !== null) return;
    const wait = Math.max(0, lastFetch + REFRESH_GAP_MS - Date.now());
    timer = setTimeout(() => {
      timer = null;
      refresh();
    }, wait);
  }

  function setDuty(on) {
    duty.setAttribute("aria-pressed", on ? "true" : "false");
    duty.textContent = on ? msg.msgOn : msg.msgOff;
  }

  duty.addEventListener("click", async () => {
    const on = duty.getAttribute("aria-pressed") !== "true";
    unlockAudio();
    duty.disabled = true;
    try {
      const reply = await socket.request({ type: "booth.duty", booth, on });
      setDuty(reply.on);
    } catch (err) {
      notice(err.code === "disconnected" ? msg.msgFailed : err.message, "error");
    } finally {
      duty.disabled = false;
    }
  });

  function showCall(frame) {
    const parts = [fill(msg.msgCalled, { seq: frame.seq, name: frame.seeker })];
    if (frame.lapsed) parts.push(fill(msg.msgLapsed, { count: frame.lapsed }));
    if (frame.skipped_busy) parts.push(fill(msg.msgSkipped, { count: frame.skipped_busy }));
    called.textContent = parts.join(" ");
    called.dataset.seq = frame.seq;
  }

  callNext.addEventListener("click", async () => {
    unlockAudio();
    callNext.disabled = true;
    called.textContent = "";
    delete called.dataset.seq;
    delete called.dataset.error;
    try {
      const reply = await socket.request({ type: "queue.call_next", booth });
      showCall(reply);
      setDuty(true); // calling puts you on duty
    } catch (err) {
      called.textContent = err.code === "disconnected" ? msg.msgFailed : err.message;
      called.dataset.error = err.code || "error";
    } finally {
      callNext.disabled = false;
      schedule();
    }
  });

  socket.subscribe(`booth:${booth}`, (frame) => {
    if (frame.event === "conversation.opened") {
      const text = fill(msg.msgOpened, { name: frame.data.seeker });
      notice(text);
      chime();
      flash();
    }
    schedule();
  });
  socket.subscribe(`queue:${booth}`, () => schedule());
  socket.subscribe(`org:${root.dataset.org}`, (frame) => {
    if (frame.event === "application.new") notice(fill(msg.msgApplication, { title: frame.data.title }));
  });
  // A call the server made for you (the previous one ran out) arrives on your own channel.
  socket.subscribe(`user:${document.body.dataset.user}`, (frame) => {
    if (frame.event === "queue.called" && frame.data.booth === booth) {
      showCall(frame.data);
      schedule();
    }
  });
  // After a reconnect events may have been missed: fetch the line afresh.
  socket.addEventListener("open", () => schedule());
  setInterval(schedule, SAFETY_REFRESH_MS);
}

if (root && window.jobfair && window.jobfair.socket) startConsole(window.jobfair.socket);
