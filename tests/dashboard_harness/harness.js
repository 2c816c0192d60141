// A stand-in for anywidget's model (get/set/on/off/send) driving the real dashboard.js, so the
// tests can set traits from Python (window.H.set) and read what the view sent (window.H.sent()).
import widget from "/static/dashboard.js";

function makeModel(initial) {
  const state = { ...initial };
  const listeners = new Map();
  const sent = [];
  return {
    state,
    sent,
    listeners,
    get(name) {
      return state[name];
    },
    set(name, value) {
      state[name] = value;
    },
    on(event, callback) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(callback);
    },
    off(event, callback) {
      const set = listeners.get(event);
      if (!set) return;
      if (callback) set.delete(callback);
      else set.clear();
    },
    send(content) {
      sent.push(JSON.parse(JSON.stringify(content)));
    },
    save_changes() {},
    fire(name) {
      for (const callback of [...(listeners.get(`change:${name}`) || [])]) callback(this, state[name]);
    },
    listenerCount() {
      let n = 0;
      for (const set of listeners.values()) n += set.size;
      return n;
    },
  };
}

const views = [];
let model = null;

window.H = {
  // A new model and one view of it in a host of `width` px (or the page's width).
  mount(traits, width) {
    model = makeModel({
      clock: Date.now() / 1000,
      heartbeat_s: 5,
      closed: false,
      notes: [],
      cards: [],
      events: [],
      events_total: 0,
      handled: 0,
      page_size: 25,
      ...traits,
    });
    return this.view(width);
  },
  // One more view of the same model (a second output of the same widget).
  view(width) {
    const host = document.createElement("div");
    host.className = "host";
    if (width) host.style.width = `${width}px`;
    document.getElementById("hosts").append(host);
    const cleanup = widget.render({ model, el: host });
    views.push({ host, cleanup });
    return views.length - 1;
  },
  // Traits changed in one message (like hold_sync): all set, then every change event fired.
  set(traits) {
    for (const [k, v] of Object.entries(traits)) model.set(k, v);
    for (const k of Object.keys(traits)) model.fire(k);
  },
  get(name) {
    return model.state[name];
  },
  sent() {
    return model.sent;
  },
  listenerCount() {
    return model.listenerCount();
  },
  unmount(index) {
    const v = views[index];
    v.cleanup();
    return v.host.childElementCount;
  },
  // the browser's local clock time of a Unix instant, as the dashboard writes it
  hms(t) {
    const d = new Date(t * 1000);
    return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
  },
  hm(t) {
    return this.hms(t).slice(0, 5);
  },
  ready: true,
};
