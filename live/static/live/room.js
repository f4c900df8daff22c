// The live room page: questions, votes, the ask form, and (by permission) the moderator and
// agency panels. User text is only ever set with textContent. Protocol:
// docs/websocket-protocol.md.
import { RoomSocket, format, readConfig } from "./socket.js";
// Also remembers the browser's zone in the viewer_tz cookie, so the next page the server
// renders shows the viewer's clock beside the seminar's.
import { browserZone } from "../js/timezone.js";
import { actionFrame, fillMergeTargets, fillModeratorActions } from "./moderation.js";
import { PUBLIC_STATES, RoomStore } from "./store.js";
import { stagePlayer } from "./stage.js";

const config = readConfig();
const T = config.strings;
const $ = (id) => document.getElementById(id);
const MAX_CHARS = 500;

const els = {
  state: $("connection-state"),
  presence: $("presence"),
  countdown: $("countdown"),
  error: $("error"),
  mutedNotice: $("muted-notice"),
  mode: $("qa-mode"),
  form: $("ask-form"),
  feedback: $("ask-feedback"),
  mine: $("mine"),
  mineSection: $("mine-section"),
  questions: $("questions"),
  questionsEmpty: $("questions-empty"),
  queue: $("queue"),
  queueEmpty: $("queue-empty"),
  dismissed: $("dismissed"),
  agency: $("agency-questions"),
  agencyEmpty: $("agency-empty"),
  moderatedSwitch: $("moderated-switch"),
};

let sortOrder = "votes";
let refCounter = 0;
const pendingRefs = new Map(); // ref → command, for acks and errors
let socket = null;

const store = new RoomStore(scheduleRender, (lastSeq) =>
  socket.send({ type: "resume", last_seq: lastSeq }),
);

function level() {
  return store.hello ? store.hello.level : "attendee";
}

function send(frame) {
  const ref = `c${++refCounter}`;
  if (!socket || !socket.send({ ...frame, ref })) {
    showError(T.notConnected);
    return null;
  }
  pendingRefs.set(ref, frame.type);
  return ref;
}

function showError(message) {
  els.error.textContent = message;
  els.error.hidden = !message;
}

// ---- connection state -------------------------------------------------------------------

function setConnectionState(state, detail) {
  const code = detail.code;
  let text = T.connecting;
  if (state === "open") text = T.connected;
  else if (state === "offline") text = T.offline;
  else if (state === "reconnecting" && detail.seconds) {
    text = format(T.reconnecting, { seconds: detail.seconds });
    if (code === 4429) text = `${T.closed4429} ${text}`;
  } else if (state === "closed") text = T[`closed${code}`] || T.offline;
  els.state.dataset.state = state;
  if (els.state.textContent !== text) els.state.textContent = text;
}

// ---- rendering --------------------------------------------------------------------------

let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

function authorLabel(question) {
  if (question.mine) return T.you;
  const author = question.author;
  if (!author) return T.anonymous;
  const name = author.guest ? T.guest : author.name;
  return question.hide_name ? `${name} ${T.nameHidden}` : name;
}

function fillQuestion(li, question, listName) {
  li.dataset.id = question.id;
  li.dataset.state = question.state;
  li.dataset.pinned = String(Boolean(question.pinned));
  li.querySelector(".q-author").textContent = authorLabel(question);
  li.querySelector(".q-to").textContent = question.agency
    ? format(T.to, { agency: question.agency.acronym || question.agency.name })
    : "";
  li.querySelector(".q-lang").textContent = question.language ? `[${question.language}]` : "";
  const stateText = [T.states[question.state] || "", question.pinned ? T.pinned : ""]
    .filter(Boolean)
    .join(" · ");
  li.querySelector(".q-state").textContent = stateText;
  const text = li.querySelector(".q-text");
  text.textContent = question.text;
  text.lang = question.language || ""; // read aloud in the question's own language
  const answer = li.querySelector(".q-answer");
  const answerText = question.answer_text || (question.answered_live ? T.answeredLive : "");
  answer.hidden = !answerText;
  li.querySelector(".q-answer-text").textContent = answerText;
  li.querySelector(".q-votes").textContent =
    question.votes === 1 ? T.oneVote : format(T.votes, { count: question.votes });
  const vote = li.querySelector(".q-vote");
  const canVote = Boolean(config.socket) && PUBLIC_STATES.has(question.state);
  vote.hidden = !canVote || listName === "agency";
  vote.disabled = store.muted;
  // A toggle: one visible word, its state in aria-pressed, its name tied to the question
  // (every vote button used to be named just "Upvote").
  // The question is in the name as hidden text after the visible word, so that the name
  // begins with what is seen (WCAG 2.5.3) in every language.
  const about = document.createElement("span");
  about.className = "visually-hidden";
  about.textContent = `: ${question.text.slice(0, 80)}`;
  vote.replaceChildren(T.vote, about);
  vote.setAttribute("aria-pressed", question.voted ? "true" : "false");
  vote.dataset.voted = question.voted ? "true" : "false";
  const actions = li.querySelector(".mod-actions");
  if (actions && actions.dataset.kind === "moderator") {
    fillModeratorActions(actions, question, store, T);
  }
}

function newItem(listName) {
  const li = $("question-template").content.firstElementChild.cloneNode(true);
  if (listName === "agency") {
    li.append($("agency-actions-template").content.firstElementChild.cloneNode(true));
    li.append($("answer-form-template").content.firstElementChild.cloneNode(true));
  } else if (level() === "moderator" && listName !== "mine") {
    const actions = $("moderator-actions-template").content.firstElementChild.cloneNode(true);
    actions.dataset.kind = "moderator";
    const mute = actions.querySelector('[data-action="mute"]');
    mute.dataset.label = mute.textContent;
    li.append(actions);
    if (listName === "questions" || listName === "queue") {
      li.append($("answer-form-template").content.firstElementChild.cloneNode(true));
    }
  }
  return li;
}

// Where focus goes when the item holding it leaves its list (Approve, Dismiss): the same
// control on the next item, else the first visible button there, else the list's heading.
function focusAfterRemoval(list, index, action) {
  const next = list.children[index] || list.children[index - 1];
  const target =
    next &&
    ((action && visibleButton(next, `[data-action="${action}"]`)) || visibleButton(next, "button"));
  if (target) {
    target.focus();
    return;
  }
  const heading = document.getElementById(list.getAttribute("aria-labelledby") || "qa-heading");
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

function visibleButton(root, selector) {
  return [...root.querySelectorAll(selector)].find((b) => !b.hidden && b.getClientRects().length);
}

// Keyed update: an item's node is reused, so a half-typed answer or focus is not lost.
function renderList(list, emptyNote, listName, questions) {
  if (!list) return;
  const existing = new Map();
  const focused = list.contains(document.activeElement) ? document.activeElement : null;
  const focusedItem = focused && focused.closest("li.question");
  const focusedIndex = focusedItem ? [...list.children].indexOf(focusedItem) : -1;
  for (const li of list.children) existing.set(li.dataset.id, li);
  const wanted = new Set();
  questions.forEach((question, index) => {
    const key = String(question.id);
    wanted.add(key);
    let li = existing.get(key);
    if (!li) li = newItem(listName);
    fillQuestion(li, question, listName);
    if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
  });
  for (const [key, li] of existing) if (!wanted.has(key)) li.remove();
  if (emptyNote) emptyNote.hidden = questions.length > 0;
  if (!focused || document.activeElement === focused) return;
  if (focused.isConnected && !focused.hidden && focused.getClientRects().length) {
    focused.focus(); // moved by a re-sort (a vote): moving a node drops its focus
  } else if (focusedItem && focusedItem.isConnected) {
    const other = visibleButton(focusedItem, "button"); // its button is gone (state changed)
    if (other) other.focus();
  } else {
    focusAfterRemoval(list, focusedIndex, focused.dataset.action);
  }
}

let shownStage = null;

function render() {
  if (stagePlayer && store.stage !== shownStage) {
    shownStage = store.stage;
    stagePlayer.show(store.stage);
  }
  const isModerator = level() === "moderator";
  renderList(
    els.questions,
    els.questionsEmpty,
    "questions",
    store.list((q) => PUBLIC_STATES.has(q.state), sortOrder),
  );
  const mine = store.list((q) => q.mine && !PUBLIC_STATES.has(q.state), "oldest");
  renderList(els.mine, null, "mine", mine);
  if (els.mineSection) els.mineSection.hidden = mine.length === 0;
  if (isModerator) {
    renderList(els.queue, els.queueEmpty, "queue", store.list((q) => q.state === "pending", "oldest"));
    renderList(els.dismissed, null, "dismissed", store.list((q) => q.state === "dismissed", "time"));
  }
  const agencyId = store.hello && store.hello.agency_id;
  if (els.agency && agencyId) {
    renderList(
      els.agency,
      els.agencyEmpty,
      "agency",
      store.list((q) => q.agency && q.agency.id === agencyId && q.state !== "dismissed", "oldest"),
    );
  }
  renderRoomState();
}

function renderRoomState() {
  if (store.presence !== null && els.presence) {
    els.presence.textContent = format(T.presence, { count: store.presence });
  }
  if (store.qaModerated !== null) {
    els.mode.textContent = store.qaModerated ? T.moderated : T.open;
    if (els.moderatedSwitch) els.moderatedSwitch.checked = store.qaModerated;
  }
  els.mutedNotice.hidden = !store.muted;
  els.mutedNotice.textContent = store.muted ? T.muted : "";
  if (els.form) {
    for (const control of els.form.elements) control.disabled = store.muted;
  }
}

// ---- server replies ---------------------------------------------------------------------

function onFrame(frame) {
  // Features outside live/ (polls) follow the same frames: see polls/static/polls/polls.js.
  document.dispatchEvent(new CustomEvent("live:frame", { detail: frame }));
  if (frame.type === "ack") {
    const command = pendingRefs.get(frame.ref);
    pendingRefs.delete(frame.ref);
    if (command === "question.ask") askDone();
    return;
  }
  if (frame.type === "error") {
    const command = pendingRefs.get(frame.ref);
    pendingRefs.delete(frame.ref);
    if (command === "question.ask") askFailed();
    if (frame.code === "muted") store.muted = true;
    showError(frame.message);
    scheduleRender();
    return;
  }
  if (frame.type === "person.muted" && frame.message) showError("");
  if (frame.type === "hello" && levelChanged(frame)) {
    // The person's role changed (the server closed the socket with 4010 and this is the
    // reconnect): the page's panels are rendered for a level, so load it again at the new one.
    location.reload();
    return;
  }
  store.apply(frame);
}

function levelChanged(hello) {
  const before = store.hello;
  return Boolean(before) && (before.level !== hello.level || before.agency_id !== hello.agency_id);
}

// ---- the ask form -----------------------------------------------------------------------

// The Ask button is never disabled while sending (a disabled button drops keyboard focus to
// <body>): aria-disabled tells assistive technology, and a second press is ignored.
function setSending(sending) {
  const button = els.form.querySelector('button[type="submit"]');
  if (sending) button.setAttribute("aria-disabled", "true");
  else button.removeAttribute("aria-disabled");
}

function askDone() {
  const field = els.form.elements.namedItem("text");
  field.value = "";
  setSending(false);
  els.feedback.textContent = store.qaModerated ? T.sentPending : T.sentOpen;
  showError("");
}

function askFailed() {
  // The text stays in the box: nothing typed is lost when the server refuses it.
  setSending(false);
  els.feedback.textContent = "";
}

function onAsk(event) {
  event.preventDefault();
  if (els.form.querySelector('button[aria-disabled="true"]')) return;
  const data = new FormData(els.form);
  const text = String(data.get("text") || "").trim();
  const frame = {
    type: "question.ask",
    text,
    language: data.get("language") || undefined,
    hide_name: data.get("anonymous") === "on",
  };
  const agency = data.get("agency");
  if (agency) frame.agency_id = Number(agency);
  if (text.length > MAX_CHARS) {
    // The server refuses it too; saying so here saves a round trip on a slow link.
    showError(format(T.tooLong, { count: text.length }));
    return;
  }
  const ref = send(frame);
  if (ref) {
    setSending(true);
    els.feedback.textContent = T.sending;
  }
}

// ---- buttons ----------------------------------------------------------------------------

function onClick(event) {
  const button = event.target.closest("button");
  const li = button && button.closest("li.question");
  if (!li) return;
  const question = store.questions.get(Number(li.dataset.id));
  if (!question) return;
  if (button.classList.contains("q-vote")) {
    send({ type: question.voted ? "question.unvote" : "question.vote", question_id: question.id });
    return;
  }
  const frame = button.dataset.action && actionFrame(button.dataset.action, question, li);
  if (frame) send(frame);
}

function onSubmitAnswer(event) {
  const form = event.target.closest("form.answer-form");
  if (!form) return;
  event.preventDefault();
  const li = form.closest("li.question");
  const field = form.querySelector('[data-field="answer-text"]');
  const text = field.value.trim();
  if (!text) return;
  if (send({ type: "question.answer", question_id: Number(li.dataset.id), text })) {
    field.value = "";
  }
}

// ---- countdown --------------------------------------------------------------------------

function pad(number) {
  return String(number).padStart(2, "0");
}

function tickCountdown() {
  if (!els.countdown) return;
  const startsAt = Date.parse(els.countdown.dataset.startsAt);
  const now = socket ? socket.serverNow() : Date.now();
  const left = Math.round((startsAt - now) / 1000);
  if (left <= 0) {
    els.countdown.textContent = T.started;
    return;
  }
  const days = Math.floor(left / 86400);
  const clock = `${pad(Math.floor((left % 86400) / 3600))}:${pad(Math.floor((left % 3600) / 60))}:${pad(left % 60)}`;
  els.countdown.textContent = format(T.startsIn, { time: days ? `${days} d ${clock}` : clock });
  setTimeout(tickCountdown, 1000);
}

// Rendered without the viewer's zone (first visit, no cookie yet): show the start in the
// browser's zone too, named, so nobody has to convert times in their head.
function showLocalTime() {
  const element = $("local-time");
  const zone = browserZone();
  if (!element || !zone || zone === element.dataset.seminarZone) return;
  const when = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    timeZone: zone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23", // the server shows 24-hour times too
  }).format(new Date(element.dataset.startsAt));
  element.textContent = format(T.yourTime, { time: when, zone });
  element.hidden = false;
}

// ---- start ------------------------------------------------------------------------------

function start() {
  for (const list of [els.questions, els.mine, els.queue, els.dismissed, els.agency]) {
    if (!list) continue;
    list.addEventListener("click", onClick);
    list.addEventListener("submit", onSubmitAnswer);
    list.addEventListener("focusin", (event) => fillMergeTargets(event, store, T));
    list.addEventListener("pointerdown", (event) => fillMergeTargets(event, store, T));
  }
  for (const radio of document.querySelectorAll('input[name="sort"]')) {
    radio.addEventListener("change", () => {
      sortOrder = radio.value;
      scheduleRender();
    });
  }
  if (els.form) els.form.addEventListener("submit", onAsk);
  if (els.moderatedSwitch) {
    els.moderatedSwitch.addEventListener("change", () =>
      send({ type: "session.set_moderation", qa_moderated: els.moderatedSwitch.checked }),
    );
  }
  tickCountdown();
  showLocalTime();
  if (!config.socket) {
    els.state.dataset.state = "closed";
    els.state.textContent = T.signIn;
    return;
  }
  socket = new RoomSocket({
    path: config.socket,
    params: () => ({
      ...config.params,
      last_seq: store.lastSeq === null ? undefined : store.lastSeq,
    }),
    onFrame,
    onState: setConnectionState,
  });
  // For people and tests that need to see what the page sees.
  window.openipsRoom = { socket, store };
  socket.connect();
}

start();
