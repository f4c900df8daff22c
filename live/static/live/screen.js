// The projector view: the question on screen now and the top approved ones, read-only.
// Connects with attendee rights (?view=attendee), so nothing private can reach the big screen.
import { RoomSocket, format, readConfig } from "./socket.js";
import { RoomStore } from "./store.js";

const TOP_COUNT = 5;
const config = readConfig();
const T = config.strings;
const highlight = document.getElementById("highlight");
const top = document.getElementById("top");
const state = document.getElementById("connection-state");
const qr = document.getElementById("qr");
const qrLabel = qr.querySelector("svg")?.getAttribute("aria-label") || "";
let socket = null;

const store = new RoomStore(render, (lastSeq) => socket.send({ type: "resume", last_seq: lastSeq }));

function authorName(question) {
  if (!question.author) return "";
  return question.author.guest ? T.guest : question.author.name;
}

function render() {
  // "On air" while the stage's live stream is on air (the room's `stage` events).
  if (store.stage) document.getElementById("on-air").hidden = !store.stage.on_air;
  const current = store.list((q) => q.state === "highlighted")[0];
  if (current) {
    const meta = document.createElement("p");
    meta.className = "q-meta";
    const parts = [authorName(current)];
    if (current.agency) parts.push(format(T.to, { agency: current.agency.acronym }));
    meta.textContent = parts.filter(Boolean).join(" · ");
    const text = document.createElement("p");
    text.className = "q-text";
    text.textContent = current.text;
    text.lang = current.language || "";
    highlight.replaceChildren(meta, text);
  } else {
    const empty = document.createElement("p");
    empty.className = "screen-empty";
    empty.textContent = T.screenEmpty;
    highlight.replaceChildren(empty);
  }
  const items = store.list((q) => q.state === "approved", "votes").slice(0, TOP_COUNT);
  top.replaceChildren(
    ...items.map((question) => {
      const li = document.getElementById("screen-item-template").content.firstElementChild.cloneNode(true);
      li.dataset.id = question.id;
      li.querySelector(".q-votes").textContent =
        question.votes === 1 ? T.oneVote : format(T.votes, { count: question.votes });
      li.querySelector(".q-text").textContent = question.text;
      li.querySelector(".q-text").lang = question.language || "";
      return li;
    }),
  );
}

function setState(name, detail) {
  let text = T.connecting;
  if (name === "open") text = T.connected;
  else if (name === "offline") text = T.offline;
  else if (name === "reconnecting" && detail.seconds) text = format(T.reconnecting, detail);
  else if (name === "closed") text = T[`closed${detail.code}`] || T.offline;
  state.dataset.state = name;
  state.textContent = text;
}

// The invite in the QR code expires; show a fresh one well before it does, and print the
// address it encodes (X-Join-URL) beneath it, for those who type instead of scanning.
const joinText = document.getElementById("join-url");
async function refreshQr() {
  const url = new URL(qr.dataset.refreshUrl, location.href);
  url.searchParams.set("at", String(Date.now()));
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin" });
  } catch {
    return; // offline: keep the code on screen, it stays valid for a while
  }
  if (!response.ok) return;
  const doc = new DOMParser().parseFromString(await response.text(), "image/svg+xml");
  const svg = document.importNode(doc.documentElement, true);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", qrLabel);
  qr.replaceChildren(svg);
  const joinUrl = response.headers.get("X-Join-URL");
  if (joinText && joinUrl) {
    joinText.textContent = joinUrl;
    qr.dataset.joinUrl = joinUrl;
  }
}

socket = new RoomSocket({
  path: config.socket,
  params: () => ({
    ...config.params,
    last_seq: store.lastSeq === null ? undefined : store.lastSeq,
  }),
  onFrame: (frame) => {
    document.dispatchEvent(new CustomEvent("live:frame", { detail: frame })); // polls.js
    store.apply(frame);
  },
  onState: setState,
});
window.openipsRoom = { socket, store };
socket.connect();
setInterval(refreshQr, Number(qr.dataset.refreshSeconds || 3600) * 1000);
