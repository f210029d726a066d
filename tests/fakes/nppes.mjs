// A fake NPPES NPI Registry API (https://npiregistry.cms.hhs.gov/api/?version=2.1&number=…)
// for tests. Known numbers (all with a valid check digit):
//   1234567893  JANE DOE    active      1111111112  JOHN SMITH  active
//   2222222228  JANE DOE    deactivated anything else: no result
// `startFakeNppes()` listens on 127.0.0.1:<free port> and resolves to { url, requests, stop }.
// Run alone: node tests/fakes/nppes.mjs  (prints "listening on http://127.0.0.1:PORT").
import { createServer } from "node:http";

export const NPIS = {
  "1234567893": { first_name: "JANE", last_name: "DOE", status: "A" },
  "1111111112": { first_name: "JOHN", last_name: "SMITH", status: "A" },
  "2222222228": { first_name: "JANE", last_name: "DOE", status: "D" },
};

export function startFakeNppes() {
  const requests = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    requests.push(url.pathname + url.search);
    const send = (status, body) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== "/api/" || url.searchParams.get("version") !== "2.1") {
      return send(400, { Errors: [{ description: "unsupported request", field: "version", number: "04" }] });
    }
    const number = url.searchParams.get("number") ?? "";
    const basic = NPIS[number];
    if (!basic) return send(200, { result_count: 0, results: [] });
    send(200, {
      result_count: 1,
      results: [{ created_epoch: "1117584000000", enumeration_type: "NPI-1", number, basic: { ...basic, credential: "MD", sole_proprietor: "NO", sex: "F" }, addresses: [], taxonomies: [] }],
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, requests, stop: () => new Promise((r) => server.close(r)) });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { url } = await startFakeNppes();
  console.log(`listening on ${url}`);
}
