// One WebSocket to a live room that keeps itself alive: reconnects with exponential backoff
// and jitter, resumes from the last sequence number it saw, and keeps a server clock offset.
// Shared by room.js and screen.js; knows nothing about questions.

const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 30000;
const CLOCK_EVERY_MS = 30000;
// Close codes after which retrying cannot help (see docs/websocket-protocol.md).
const FINAL_CODES = new Set([4401, 4403, 4404]);
// The person's permissions changed: reconnect at once (with last_seq); the server decides the
// new level, which the next hello says.
const RECONNECT_NOW_CODE = 4010;

export class RoomSocket {
  /**
   * @param {object} options
   * @param {string} options.path   socket path, e.g. /ws/sessions/12/
   * @param {() => object} options.params query parameters (token, view, last_seq…), read
   *   again before every (re)connect
   * @param {(frame: object) => void} options.onFrame      every server frame but clock frames
   * @param {(state: string, detail: object) => void} options.onState  connecting|open|reconnecting|offline|closed
   * @param {() => object} options.helloFrame  the frame sent on every (re)connect, e.g. resume
   */
  constructor({ path, params = () => ({}), onFrame, onState, helloFrame }) {
    this.path = path;
    this.params = params;
    this.onFrame = onFrame;
    this.onState = onState;
    this.helloFrame = helloFrame;
    this.attempt = 0;
    this.ws = null;
    this.timer = null;
    this.clockTimer = null;
    this.stopped = false;
    this.bestClock = null;
    this.opens = 0; // how many times a connection opened (1 + reconnections)
    window.addEventListener("online", () => this.reconnectNow());
    window.addEventListener("offline", () => {
      this.onState("offline", {});
      if (this.ws) this.ws.close();
    });
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(this.params())) {
      if (value !== undefined && value !== null && value !== "") query.set(key, value);
    }
    const qs = query.toString();
    return `${scheme}//${location.host}${this.path}${qs ? "?" + qs : ""}`;
  }

  connect() {
    clearTimeout(this.timer);
    this.onState(this.attempt ? "reconnecting" : "connecting", { seconds: 0 });
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch (error) {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.addEventListener("open", () => {
      this.attempt = 0;
      this.opens += 1;
      const hello = this.helloFrame && this.helloFrame();
      if (hello) this.send(hello);
      this.syncClock();
      clearInterval(this.clockTimer);
      this.clockTimer = setInterval(() => this.syncClock(), CLOCK_EVERY_MS);
      this.onState("open", {});
    });
    ws.addEventListener("message", (event) => this.receive(event.data));
    ws.addEventListener("close", (event) => {
      clearInterval(this.clockTimer);
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped) return;
      if (FINAL_CODES.has(event.code)) {
        this.stopped = true;
        this.onState("closed", { code: event.code, reason: event.reason });
        return;
      }
      if (event.code === RECONNECT_NOW_CODE && this.attempt === 0) {
        this.attempt = 1; // a second 4010 before the socket opens again backs off as usual
        this.connect();
        return;
      }
      this.scheduleReconnect(event.code);
    });
  }

  receive(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch (error) {
      return;
    }
    if (frame.type === "clock") {
      this.clockReceived(frame);
      return;
    }
    this.onFrame(frame);
  }

  send(frame) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  scheduleReconnect(code = 0) {
    if (this.stopped) return;
    if (!navigator.onLine) {
      this.onState("offline", {});
      return;
    }
    // Full jitter (delay uniformly in [base/2, cap]) so a room of thousands that lost the
    // same server does not come back in one wave.
    const cap = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** this.attempt);
    const delay = cap / 2 + Math.random() * (cap / 2);
    this.attempt += 1;
    this.onState("reconnecting", { seconds: Math.ceil(delay / 1000), code });
    this.timer = setTimeout(() => this.connect(), delay);
  }

  reconnectNow() {
    if (this.stopped) return;
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) return;
    this.attempt = 0;
    this.connect();
  }

  /** Drop the connection as a network failure would (used by tests and the offline event). */
  drop() {
    if (this.ws) this.ws.close();
  }

  syncClock() {
    this.send({ type: "clock.sync", client_time: Date.now() });
  }

  clockReceived(frame) {
    const received = Date.now();
    const sent = Number(frame.client_time);
    const server = Number(frame.server_time);
    if (!Number.isFinite(sent) || !Number.isFinite(server)) return;
    const roundTrip = received - sent;
    const offsetMs = server - (sent + received) / 2;
    // Keep the sample with the shortest round trip of the recent ones: it has the least
    // uncertainty. Older samples expire so a drifting clock is still followed.
    const now = received;
    if (
      !this.bestClock ||
      roundTrip <= this.bestClock.roundTrip ||
      now - this.bestClock.at > 5 * CLOCK_EVERY_MS
    ) {
      this.bestClock = { roundTrip, offsetMs, at: now };
    }
    this.offsetMs = this.bestClock.offsetMs;
    document.dispatchEvent(
      new CustomEvent("openips:clock", { detail: { offsetMs: this.offsetMs } }),
    );
  }

  /** Milliseconds since the epoch on the server's clock, as best known. */
  serverNow() {
    return Date.now() + (this.offsetMs || 0);
  }
}

/** Fill "%(name)s" placeholders of a translated string. */
export function format(template, values = {}) {
  return String(template).replace(/%\((\w+)\)s/g, (_, key) =>
    key in values ? String(values[key]) : "",
  );
}

export function readConfig(id = "live-config") {
  return JSON.parse(document.getElementById(id).textContent);
}
