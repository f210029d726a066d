// A minimal cookie-keeping HTTP client for the contract suites (redirects are not followed,
// so tests see every 303 and Set-Cookie).

export class Browser {
  constructor(host) {
    this.host = host;
    this.jar = new Map();
  }
  async send(method, path, form, headers = {}) {
    const h = { ...headers };
    if (this.jar.size) h.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    let body;
    if (form) {
      h["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(form).toString();
    }
    const res = await fetch(this.host.url + path, { method, headers: h, body, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(";");
      const i = pair.indexOf("=");
      const [k, v] = [pair.slice(0, i), pair.slice(i + 1)];
      if (attrs.some((a) => a.trim() === "Max-Age=0")) this.jar.delete(k);
      else this.jar.set(k, v);
    }
    return res;
  }
  get(path, headers) {
    return this.send("GET", path, undefined, headers);
  }
  post(path, form, headers) {
    return this.send("POST", path, form, headers);
  }
  /** POSTs multipart/form-data (fields plus an optional file). */
  async upload(path, fields, file) {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    if (file) fd.append("evidence", new Blob([file.data], { type: file.type }), file.name);
    const h = {};
    if (this.jar.size) h.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    return fetch(this.host.url + path, { method: "POST", headers: h, body: fd, redirect: "manual" });
  }
}

/** The CSRF token of the first form in a page. */
export const csrfOf = (html) => html.match(/name="csrf" value="([^"]+)"/)[1];
