// The moderator's controls on each question: which actions a state allows, the frame each
// button sends, and the merge target list. Used by room.js for moderator-level sockets only;
// the server checks the permission of every command again.

export function fillModeratorActions(actions, question, store, T) {
  const state = question.state;
  const show = {
    approve: state === "pending",
    dismiss: state !== "dismissed",
    highlight: state !== "highlighted" && state !== "dismissed",
    offscreen: state === "highlighted",
    answer: state === "approved" || state === "highlighted" || state === "pending",
    reopen: state === "dismissed" || state === "answered",
    pin: !question.pinned && state !== "dismissed",
    unpin: Boolean(question.pinned),
    mute: Boolean(question.author && question.author.key && !question.mine),
  };
  for (const button of actions.querySelectorAll("button[data-action]")) {
    const action = button.dataset.action;
    if (action in show) button.hidden = !show[action];
  }
  const mute = actions.querySelector('[data-action="mute"]');
  if (mute && question.author) {
    const isMuted = store.mutedPeople.has(question.author.key);
    mute.textContent = isMuted ? T.unmute : mute.dataset.label;
    mute.dataset.muted = String(isMuted);
  }
}

const REOPEN_TO = { dismissed: "pending", answered: "approved" };

export function actionFrame(action, question, li) {
  const id = question.id;
  switch (action) {
    case "approve":
      return { type: "question.set_state", question_id: id, state: "approved" };
    case "dismiss":
      return { type: "question.set_state", question_id: id, state: "dismissed" };
    case "highlight":
      return { type: "question.set_state", question_id: id, state: "highlighted" };
    case "offscreen":
      return { type: "question.set_state", question_id: id, state: "approved" };
    case "answer":
      return { type: "question.set_state", question_id: id, state: "answered" };
    case "answer-live":
      return { type: "question.answer", question_id: id, live: true };
    case "reopen":
      return { type: "question.set_state", question_id: id, state: REOPEN_TO[question.state] };
    case "pin":
    case "unpin":
      return { type: "question.pin", question_id: id, pinned: action === "pin" };
    case "mute":
      return {
        type: "person.mute",
        person: question.author.key,
        muted: li.querySelector('[data-action="mute"]').dataset.muted !== "true",
      };
    case "merge": {
      const target = Number(li.querySelector('[data-field="merge-target"]').value);
      return target ? { type: "question.merge", question_id: id, into_id: target } : null;
    }
    default:
      return null;
  }
}

// The merge target list is filled when it is opened, not on every render.
export function fillMergeTargets(event, store, T) {
  const select = event.target;
  if (!select.matches || !select.matches('[data-field="merge-target"]')) return;
  const own = Number(select.closest("li.question").dataset.id);
  const chosen = select.value;
  select.replaceChildren(new Option(T.mergeChoose, ""));
  for (const question of store.list((q) => q.id !== own && q.state !== "dismissed", "oldest")) {
    const label = `#${question.id} ${question.text.slice(0, 60)}`;
    select.append(new Option(label, String(question.id))); // Option() sets text, not HTML
  }
  select.value = chosen;
}
