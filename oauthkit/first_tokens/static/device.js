// The device-code panel (RFC 8628): the code in large type with a copy button, the link, a QR
// code for a phone, and a countdown the browser keeps (the kernel sends instants, not ticks).
function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (_) {
    const area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}

function render({ model, el: root }) {
  const box = el("div", "oauthkit-device");
  const qr = el("div", "oauthkit-qr");
  const side = el("div", "oauthkit-device-text");
  const intro = el("div", "", "");
  const open = el("div");
  const link = el("a");
  link.target = "_blank";
  link.rel = "noopener noreferrer";
  const codeLine = el("div", "oauthkit-user-code");
  const code = el("span");
  const copy = el("button", "oauthkit-copy", "copy");
  const countdown = el("div", "oauthkit-countdown");
  const state = el("div", "oauthkit-device-state");
  codeLine.append(code, copy);
  open.append("open ", link, " and enter");
  side.append(intro, open, codeLine, countdown, state);
  box.append(qr, side);
  root.appendChild(box);

  let skew = 0;
  const sync = () => {
    skew = model.get("clock") - Date.now() / 1000;
    intro.textContent = `Authorize ${model.get("title")} on any device:`;
    link.href = model.get("link");
    link.textContent = model.get("verification_uri");
    code.textContent = model.get("user_code");
    qr.innerHTML = model.get("qr_svg"); // segno's SVG, made in the kernel from the link
    state.textContent = model.get("state");
    tick();
  };
  const tick = () => {
    const left = Math.max(0, Math.floor(model.get("expires_at") - (Date.now() / 1000 + skew)));
    const done = model.get("final");
    countdown.textContent = done ? "" : left > 0 ? `expires in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}` : "expired";
    box.classList.toggle("oauthkit-final", done);
  };
  copy.addEventListener("click", async () => {
    copy.textContent = (await copyText(model.get("user_code"))) ? "copied" : "select and copy";
    setTimeout(() => (copy.textContent = "copy"), 1500);
  });
  for (const name of ["clock", "state", "final", "user_code", "qr_svg"]) model.on(`change:${name}`, sync);
  sync();
  const timer = setInterval(tick, 1000);
  return () => {
    clearInterval(timer);
    for (const name of ["clock", "state", "final", "user_code", "qr_svg"]) model.off(`change:${name}`, sync);
  };
}

export default { render };
