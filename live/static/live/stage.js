// The stage in the room: a live HLS stream (with its audio-only mode and interpretation
// languages), an external player, or the pre-recorded player. It follows the room's `stage`
// events (docs/websocket-protocol.md) without a reload; room.js hands them over.
import { AudioLanguageMenu } from "../media_library/audio_languages.js";
import { WeakLink } from "../media_library/weak_link.js";

const LOW_BANDWIDTH_KEY = "openips:lowBandwidth";
const $ = (id) => document.getElementById(id);

let hlsScript = null;
function loadHlsJs(url) {
  if (!hlsScript) {
    hlsScript = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.onload = () => resolve(window.Hls);
      script.onerror = () => reject(new Error("hls.js failed to load"));
      document.head.append(script);
    });
  }
  return hlsScript;
}

export class StagePlayer {
  constructor(root) {
    this.root = root;
    this.text = root.dataset;
    this.video = $("stage-video");
    this.audio = $("stage-audio");
    this.low = $("stage-low-bandwidth");
    this.language = $("stage-language");
    this.languages = new AudioLanguageMenu(this.language, $("stage-language-label"));
    this.hls = null;
    this.url = "";
    this.stage = null;
    // Sound only because the link is too slow (not the viewer's choice): comes back by itself.
    this.autoSound = false;
    this.weakLink = null;
    this.low.checked = localStorage.getItem(LOW_BANDWIDTH_KEY) === "1";
    this.low.addEventListener("change", () => {
      this.setAutoSound(false, false); // the viewer has decided
      localStorage.setItem(LOW_BANDWIDTH_KEY, this.low.checked ? "1" : "0");
      this.play(this.url, true);
    });
    this.language.addEventListener("change", () => this.chooseLanguage(this.language.value));
  }

  show(stage) {
    if (!stage) return;
    this.stage = stage;
    const live = stage.source === "live" && ["on_air", "reconnecting", "starting"].includes(stage.state);
    const external = stage.source === "external" && Boolean(stage.embed);
    $("stage-live").hidden = !live;
    $("stage-embed").hidden = !external;
    $("stage-prerecorded").hidden = live || external;
    this.root.dataset.state = stage.source === "live" ? stage.state : stage.source;
    $("stage-status").textContent = this.statusText(stage);
    if (external && $("stage-frame").getAttribute("src") !== stage.embed) {
      $("stage-frame").src = stage.embed;
      $("stage-link").href = stage.link || stage.embed;
    }
    if (!external) $("stage-frame").removeAttribute("src");
    // Fetched while the stream is starting, so that going on air costs no script download.
    if (stage.source === "live") loadHlsJs(this.root.dataset.hlsJs).catch(() => {});
    // Back on air after "reconnecting": the transcoder started new playlists, so the player
    // starts again rather than waiting on the old ones.
    if (live && stage.hls) this.play(stage.hls, this.shownState !== "on_air");
    this.shownState = stage.state;
    if (!live) this.stop();
  }

  statusText(stage) {
    if (stage.source !== "live") return "";
    const texts = {
      on_air: this.text.textOnAir,
      starting: this.text.textStarting,
      reconnecting: this.text.textReconnecting,
      ended: this.text.textEnded,
    };
    if (stage.state === "problem") {
      return stage.problem === "no_video" ? this.text.textNoVideo : this.text.textCodec;
    }
    return texts[stage.state] || "";
  }

  stop() {
    this.hls?.destroy();
    this.hls = null;
    this.weakLink?.stop();
    this.weakLink = null;
    this.url = "";
    this.video.removeAttribute("src");
    this.audio.removeAttribute("src");
  }

  async play(url, force) {
    if (!url || (url === this.url && !force && this.hls)) return;
    this.hls?.destroy();
    this.url = url;
    const Hls = await loadHlsJs(this.root.dataset.hlsJs);
    if (!Hls.isSupported()) {
      this.video.src = url;
      return;
    }
    const soundOnly = this.low.checked || this.autoSound;
    const media = soundOnly ? this.audio : this.video;
    this.video.hidden = soundOnly;
    this.audio.hidden = !soundOnly;
    (soundOnly ? this.video : this.audio).pause();
    // Sound only reads the chosen language's audio playlist: no picture is ever fetched.
    const source = soundOnly ? url.replace("master.m3u8", this.soundPlaylist()) : url;
    // The picture as soon as the first 2 s segment exists: play one segment behind the live
    // edge (not hls.js's three), start on the lowest rung (its first segment is the smallest
    // to fetch) and let the bandwidth estimate climb from there.
    this.hls = new Hls({
      liveSyncDurationCount: 1,
      liveMaxLatencyDurationCount: 4,
      startLevel: 0,
      lowLatencyMode: false,
    });
    this.hls.on(Hls.Events.MANIFEST_PARSED, () => media.play().catch(() => {}));
    this.hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, () => this.languages.fill(this.hls));
    this.hls.on(Hls.Events.FRAG_BUFFERED, () => {
      this.root.dataset.playable = "1";
    });
    this.hls.on(Hls.Events.ERROR, (_event, error) => {
      if (error.fatal) $("stage-status").textContent = this.text.textError;
    });
    this.watchLink(Hls);
    this.hls.loadSource(source);
    this.hls.attachMedia(media);
  }

  // A new hls.js starts at the live edge, so a switch either way lands on the live point.
  watchLink(Hls) {
    if (this.low.checked) return;
    this.weakLink ??= new WeakLink({
      onWeak: () => this.setAutoSound(true, true),
      onRecovered: () => this.setAutoSound(false, true),
    });
    if (this.autoSound) this.weakLink.watchAudio(this.hls, Hls);
    else this.weakLink.watchVideo(this.hls, Hls);
  }

  setAutoSound(on, replay) {
    this.autoSound = on;
    this.root.dataset.autoAudio = on ? "1" : "";
    // A mark in the page's timeline: tests tell the requests before the switch from those after.
    performance.mark(on ? "openips:audio-only" : "openips:video");
    $("stage-weak-link").textContent = on ? this.text.textWeakLink : "";
    if (replay && this.url) this.play(this.url, true);
  }

  soundPlaylist() {
    const chosen = this.language.value;
    const hall = this.language.dataset.hall || "";
    return `a-${chosen && chosen !== hall ? chosen : "orig"}/index.m3u8`;
  }

  chooseLanguage(code) {
    this.languages.choose(code);
    if (this.low.checked) this.play(this.url, true);
  }
}

const root = $("stage");
export const stagePlayer = root ? new StagePlayer(root) : null;
const initial = $("stage-initial");
if (stagePlayer && initial) stagePlayer.show(JSON.parse(initial.textContent));
window.openipsStage = stagePlayer;
