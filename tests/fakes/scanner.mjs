// A fake file-scanning service for tests, speaking the protocol content's HTTP scanner adapter
// expects (README "Content governance" → file scanning): `POST /scan` with the file's bytes as
// the body and `Authorization: Bearer <token>`; it answers 200 with clamd's reply form,
// `stream: OK` or `stream: <signature> FOUND`. It finds the EICAR test signature anywhere
// in the bytes; a file containing `SCANNER-FAULT` gets a 503 (the scanner failing), and a
// wrong or missing token a 401: both must leave the file pending (no verdict). `setDown(true)`
// makes it answer every scan with a 503 (an outage) until `setDown(false)`.
// `holdNext(reply)` holds the next scan (a slow scanner, to interleave a competing request
// deterministically): it resolves `arrived` when that scan came in and answers it 200 with
// `reply` (e.g. `stream: X FOUND`) only once `release()` is called.
// `startFakeScanner()` listens on 127.0.0.1:<free port> and resolves to
// { url, token, requests, setDown, holdNext, stop } (`requests`: one { auth, bytes } per request).
import { createServer } from "node:http";

export const SCANNER_TOKEN = "fake-scanner-token-0123456789abcdef";
const EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

export function startFakeScanner() {
  const requests = [];
  let down = false;
  const holds = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const auth = req.headers.authorization ?? "";
      requests.push({ auth, bytes: body.length });
      const reply = (status, text) => (res.writeHead(status, { "content-type": "text/plain" }), res.end(`${text}\n`));
      if (req.method !== "POST" || new URL(req.url, "http://127.0.0.1").pathname !== "/scan") return reply(404, "not found");
      if (auth !== `Bearer ${SCANNER_TOKEN}`) return reply(401, "unauthorized");
      const text = body.toString("latin1");
      const hold = holds.shift();
      if (hold) return (hold.arrive(), hold.released.then(() => reply(200, hold.reply)));
      if (down || text.includes("SCANNER-FAULT")) return reply(503, "engine unavailable");
      if (text.includes(EICAR)) return reply(200, "stream: Win.Test.EICAR_HDB-1 FOUND");
      reply(200, "stream: OK");
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const url = `http://127.0.0.1:${server.address().port}`;
      const holdNext = (reply) => {
        const hold = { reply };
        hold.arrived = new Promise((r) => (hold.arrive = r));
        hold.released = new Promise((r) => (hold.release = r));
        holds.push(hold);
        return { arrived: hold.arrived, release: () => hold.release() };
      };
      const stop = () => (holds.splice(0).forEach((h) => h.release()), new Promise((r) => server.close(() => r())));
      resolve({ url, token: SCANNER_TOKEN, requests, setDown: (v) => (down = v), holdNext, stop });
    });
  });
}
