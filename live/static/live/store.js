// The room as this socket sees it, kept in step with the server by sequence numbers
// (docs/websocket-protocol.md, "Sequence numbers"). Shared by room.js and screen.js.

const GAP_WAIT_MS = 3000;
export const PUBLIC_STATES = new Set(["approved", "highlighted", "answered"]);

export class RoomStore {
  /**
   * @param {(what: string, frame: object) => void} onChange called after every applied frame
   * @param {(lastSeq: number) => void} requestResume called when a gap stays open
   */
  constructor(onChange, requestResume) {
    this.onChange = onChange;
    this.requestResume = requestResume;
    this.questions = new Map();
    this.lastSeq = null;
    this.waiting = new Map(); // seq → event that arrived before its predecessors
    this.gapTimer = null;
    this.hello = null;
    this.muted = false;
    this.qaModerated = null;
    this.presence = null;
    this.mutedPeople = new Map(); // person key → name (moderators learn it from events)
    this.stage = null; // the last `stage` event: what the room shows
  }

  /** Apply one server frame (anything but clock frames). */
  apply(frame) {
    switch (frame.type) {
      case "hello":
        this.hello = frame;
        this.muted = Boolean(frame.muted);
        this.qaModerated = frame.session ? frame.session.qa_moderated : this.qaModerated;
        break;
      case "snapshot":
        this.applySnapshot(frame);
        break;
      case "replay":
        for (const event of frame.events) this.applyEvent(event);
        if (this.lastSeq === null || frame.seq > this.lastSeq) this.lastSeq = frame.seq;
        this.drain();
        break;
      case "presence":
        this.presence = frame.count;
        break;
      default:
        if (typeof frame.seq === "number") {
          this.receiveEvent(frame);
          return;
        }
    }
    this.onChange(frame.type, frame);
  }

  applySnapshot(frame) {
    this.questions.clear();
    for (const question of frame.questions) this.questions.set(question.id, question);
    this.lastSeq = frame.seq;
    this.qaModerated = frame.qa_moderated;
    this.muted = Boolean(frame.muted);
    this.presence = frame.presence;
    // What the room shows as of `seq` (servers before issue 15 sent no `stage` here).
    if (frame.stage) this.stage = frame.stage;
    for (const seq of [...this.waiting.keys()]) if (seq <= this.lastSeq) this.waiting.delete(seq);
    this.drain();
  }

  receiveEvent(event) {
    if (this.lastSeq === null) {
      // Events before the first snapshot: keep them; the snapshot decides which still apply.
      this.waiting.set(event.seq, event);
      return;
    }
    if (event.seq <= this.lastSeq) return; // a duplicate after a resume
    if (event.seq > this.lastSeq + 1) {
      this.waiting.set(event.seq, event);
      // Question events can be applied at once: each question carries its own seq, so an
      // older version can never overwrite a newer one. The gap itself is closed later.
      this.applyEvent(event);
      this.onChange(event.type, event);
      this.watchGap();
      return;
    }
    this.applyEvent(event);
    this.lastSeq = event.seq;
    this.drain();
    this.onChange(event.type, event);
  }

  drain() {
    while (this.waiting.has(this.lastSeq + 1)) {
      const next = this.waiting.get(this.lastSeq + 1);
      this.waiting.delete(this.lastSeq + 1);
      this.applyEvent(next);
      this.lastSeq = next.seq;
    }
    for (const seq of [...this.waiting.keys()]) if (seq <= this.lastSeq) this.waiting.delete(seq);
    if (this.waiting.size === 0) {
      clearTimeout(this.gapTimer);
      this.gapTimer = null;
    }
  }

  watchGap() {
    if (this.gapTimer) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      if (this.waiting.size) this.requestResume(this.lastSeq);
    }, GAP_WAIT_MS);
  }

  upsert(question) {
    const known = this.questions.get(question.id);
    if (known && typeof known.seq === "number" && known.seq > question.seq) return;
    const merged = { ...question };
    // "mine" and "voted" are only in copies meant for you: absent means unchanged.
    for (const key of ["mine", "voted"]) {
      if (!(key in question)) merged[key] = known ? Boolean(known[key]) : false;
    }
    this.questions.set(question.id, merged);
  }

  applyEvent(event) {
    switch (event.type) {
      case "question.created":
      case "question.updated":
        this.upsert(event.question);
        break;
      case "question.removed":
        this.questions.delete(event.id);
        break;
      case "question.votes": {
        const question = this.questions.get(event.id);
        if (question) {
          question.votes = event.votes;
          if ("voted" in event) question.voted = event.voted;
        }
        break;
      }
      case "question.merged":
        this.questions.delete(event.id);
        if (event.into) this.upsert(event.into);
        break;
      case "session.moderation":
        this.qaModerated = event.qa_moderated;
        break;
      case "person.muted":
        this.personMuted(event);
        break;
      case "stage":
        this.stage = event;
        break;
      default:
        break; // "seq" fillers and event types this client does not know
    }
  }

  personMuted(event) {
    const key = event.person && event.person.key;
    if (!key) return;
    if (event.muted) this.mutedPeople.set(key, event.person.name || key);
    else this.mutedPeople.delete(key);
    if (this.hello && this.hello.person && this.hello.person.key === key) {
      this.muted = Boolean(event.muted);
    }
  }

  /** Questions, filtered and sorted: the one on screen, then pinned ones, then by votes or
   * by time. */
  list(filter, order = "votes") {
    const items = [...this.questions.values()].filter(filter);
    const time = (q) => Date.parse(q.created_at) || 0;
    const onScreen = (q) => q.state === "highlighted";
    items.sort((a, b) => {
      if (onScreen(a) !== onScreen(b)) return onScreen(a) ? -1 : 1;
      if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
      if (order === "votes" && a.votes !== b.votes) return b.votes - a.votes;
      if (order === "time") return time(b) - time(a) || b.id - a.id; // newest first
      return time(a) - time(b) || a.id - b.id; // equal votes, or "oldest": first asked first
    });
    return items;
  }
}
