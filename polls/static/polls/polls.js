// Polls in the live room and on the projector (protocol: docs/websocket-protocol.md, "Polls").
// Follows the room's frames (the "live:frame" DOM event of room.js / screen.js) and sends
// its commands on the room's socket (window.openipsRoom). Results are <meter> bars with their
// numbers written beside them, never colour alone. User text is set with textContent only.
const root = document.getElementById("polls");
const T = JSON.parse(document.getElementById("polls-strings").textContent);
const polls = new Map(); // id → poll (with .totals, .mine)
const seqOf = new Map(); // `${id}:${kind}` → the seq last applied, so older frames never win
let refs = 0;

function room() {
  return window.openipsRoom;
}

function send(frame) {
  const socket = room() && room().socket;
  if (socket) socket.send({ ...frame, ref: `p${++refs}` });
}

function fresh(id, kind, seq) {
  const key = `${id}:${kind}`;
  if (typeof seq === "number" && seq <= (seqOf.get(key) || 0)) return false;
  if (typeof seq === "number") seqOf.set(key, seq);
  return true;
}

function onFrame(frame) {
  switch (frame.type) {
    case "snapshot":
      // The room as of now (first join, or a reconnect too far behind): ask for the polls.
      setTimeout(() => send({ type: "poll.list" }), 0);
      return;
    case "ack":
      if (Array.isArray(frame.polls)) {
        for (const poll of frame.polls) {
          const known = polls.get(poll.id);
          polls.set(poll.id, { ...known, ...poll, totals: poll.totals || (known && known.totals) });
        }
      } else if (frame.command === "poll.vote" && polls.has(frame.poll_id)) {
        polls.get(frame.poll_id).mine = frame.mine;
        status(T.voted);
      } else return;
      break;
    case "replay":
      for (const event of frame.events) onFrame(event);
      return;
    case "poll.updated":
      if (!fresh(frame.poll.id, "poll", frame.seq)) return;
      polls.set(frame.poll.id, { ...polls.get(frame.poll.id), ...frame.poll });
      if (!frame.poll.results_shown && !root.dataset.runs) delete polls.get(frame.poll.id).totals;
      break;
    case "poll.totals":
      if (!fresh(frame.poll_id, "totals", frame.seq) || !polls.has(frame.poll_id)) return;
      polls.get(frame.poll_id).totals = frame;
      break;
    default:
      return;
  }
  render();
}

function status(text) {
  const box = root.querySelector(".poll-status");
  if (box) box.textContent = text;
}

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

function bars(poll) {
  const totals = poll.totals;
  if (!totals) return null;
  let rows = [];
  if (totals.options) {
    const texts = new Map(poll.options.map((o) => [o.id, o.text]));
    rows = totals.options.map((o) => [texts.get(o.id) || "", o.count]);
  } else if (totals.ratings) {
    rows = totals.ratings.map((r) => [String(r.value), r.count]);
  } else if (totals.words) {
    rows = totals.words.map((w) => [w.text, w.count]);
  }
  const most = Math.max(1, totals.voters);
  const list = el("ul", { className: "poll-bars" });
  for (const [label, count] of rows) {
    const share = Math.round((100 * count) / most);
    const value = T.count.replace("%(count)s", count).replace("%(share)s", share).replace("%%", "%");
    list.append(
      el("li", {}, [
        el("span", { className: "poll-label", text: label }),
        // The bar is drawing only: the number beside it is what assistive technology reads.
        el("meter", { min: 0, max: most, value: count, "aria-hidden": "true" }),
        el("span", { className: "poll-value", text: value }),
      ]),
    );
  }
  const summary = [T.voters.replace("%(count)s", totals.voters)];
  if (totals.average) summary.push(T.average.replace("%(average)s", totals.average));
  return el("div", { className: "poll-results" }, [
    el("p", { className: "poll-summary", text: summary.join(" · ") }),
    list,
  ]);
}

function voteForm(poll) {
  const form = el("form", { className: "poll-vote" });
  const name = `poll-${poll.id}`;
  const mine = poll.mine || {};
  const choices = [];
  if (poll.kind === "single" || poll.kind === "multiple") {
    for (const option of poll.options) {
      const input = el("input", {
        type: poll.kind === "single" ? "radio" : "checkbox",
        name,
        value: option.id,
        checked: (mine.option_ids || []).includes(option.id),
      });
      choices.push(el("label", {}, [input, " ", option.text]));
    }
  } else if (poll.kind === "rating") {
    for (let value = 1; value <= 5; value += 1) {
      const input = el("input", { type: "radio", name, value, checked: mine.rating === value });
      choices.push(el("label", {}, [input, ` ${value}`]));
    }
  } else {
    const input = el("input", { type: "text", name, maxLength: 60, value: mine.text || "" });
    choices.push(el("label", {}, [el("span", { text: T.yourAnswer }), " ", input]));
  }
  const legend = poll.kind === "multiple" ? T.chooseUpTo.replace("%(max)s", poll.max_choices) : poll.question;
  form.append(el("fieldset", {}, [el("legend", { text: legend }), ...choices]));
  form.append(el("button", { type: "submit", text: T.vote }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const frame = { type: "poll.vote", poll_id: poll.id };
    if (poll.kind === "rating") {
      frame.rating = Number(new FormData(form).get(name));
    } else if (poll.kind === "text") {
      frame.text = String(new FormData(form).get(name) || "");
    } else {
      frame.option_ids = new FormData(form).getAll(name).map(Number);
    }
    send(frame);
  });
  return form;
}

function controls(poll) {
  const group = el("p", { className: "poll-controls" });
  const button = (text, frame) => {
    const b = el("button", { type: "button", className: "secondary", text });
    b.addEventListener("click", () => send(frame));
    group.append(b, " ");
  };
  if (poll.state === "draft") button(T.launch, { type: "poll.launch", poll_id: poll.id });
  if (poll.state === "open") button(T.close, { type: "poll.close", poll_id: poll.id });
  if (root.dataset.moderates) {
    const shown = poll.results_shown;
    button(shown ? T.hideResults : T.showResults, {
      type: "poll.set_results",
      poll_id: poll.id,
      shown: !shown,
    });
  }
  return group;
}

function pending(poll) {
  const waiting = (poll.totals && poll.totals.pending) || [];
  if (!root.dataset.moderates || !waiting.length) return null;
  return el(
    "ul",
    { className: "poll-pending" },
    waiting.map((answer) => {
      const allow = el("button", { type: "button", className: "secondary", text: T.allow });
      allow.addEventListener("click", () =>
        send({ type: "poll.moderate_answer", vote_id: answer.vote_id, allowed: true }),
      );
      return el("li", {}, [el("span", { text: answer.text }), " ", allow]);
    }),
  );
}

function render() {
  const list = root.querySelector(".poll-list");
  const screen = root.dataset.screen;
  let shown = [...polls.values()].sort((a, b) => b.id - a.id);
  if (screen) shown = shown.filter((p) => p.state !== "draft").slice(0, 1);
  list.replaceChildren(
    ...shown.map((poll) => {
      const item = el("li", { className: `poll poll-${poll.state}` }, [
        el("h3", { text: poll.question }),
        el("p", { className: "muted", text: T.states[poll.state] }),
      ]);
      item.dataset.id = poll.id;
      if (!screen && poll.state === "open") item.append(voteForm(poll));
      const results = bars(poll);
      if (results) item.append(results);
      const waiting = !screen && pending(poll);
      if (waiting) item.append(waiting);
      if (!screen && root.dataset.runs) item.append(controls(poll));
      return item;
    }),
  );
  const empty = root.querySelector(".poll-empty");
  if (empty) empty.hidden = shown.length > 0;
}

function createForm() {
  const form = document.getElementById("poll-create");
  if (!form) return;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const kind = String(data.get("kind"));
    const frame = {
      type: "poll.create",
      kind,
      question: String(data.get("question") || ""),
      results_while_voting: data.get("results_while_voting") === "on",
    };
    if (kind === "single" || kind === "multiple") {
      frame.options = String(data.get("options") || "")
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean);
    }
    if (kind === "multiple" && data.get("max_choices")) frame.max_choices = Number(data.get("max_choices"));
    send(frame);
    form.reset();
  });
}

document.addEventListener("live:frame", (event) => onFrame(event.detail));
createForm();
