// Series placement authoring (issue 13, items 5 and 6) on every host: an author places two
// published items of the demo library in a new series from their authoring pages (the form
// on /author/{id}, no JavaScript), moves one behind the other and takes it out again; the
// reader's series page (/series/{id}, the content Worker) follows each change; a refused
// placement comes back with an error summary; an HCP may not place, nor a forged form.
// Run: MEDPORTAL_HOSTS=native node --test tests/contract/series.test.mjs
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { eventually, readersCaughtUp, startHost } from "./hosts.mjs";
import { emailSignIn, staffSignIn } from "./browser.mjs";
import { csrfAt as csrf } from "./staff.mjs";

const HOSTS = (process.env.MEDPORTAL_HOSTS ?? "native,workerd,spin").split(",").filter(Boolean);
// Two public items of the demo library, published for the international market.
const A = "hypertension-first-line-drug-classes";
const B = "how-to-report-a-suspected-adverse-reaction";

for (const name of HOSTS) {
  describe(`series placement on ${name}`, { timeout: 300_000 }, () => {
    let host, author, hcp;
    const run = Date.now().toString(36);
    const series = `ct-series-${run}`;
    const title = `Primary care essentials ${run}`;
    const ids = {};

    before(async () => {
      host = await startHost(name);
      author = await staffSignIn(host, "sophie.martin@example.org");
      hcp = await emailSignIn(host, "anna.mueller@example.org");
      const list = await (await author.get("/author")).text();
      for (const slug of [A, B]) ids[slug] = list.match(new RegExp(`href="/author/([A-Za-z0-9]+)">[^<]*</a><br><small><code>${slug}</code>`))[1];
    });
    after(async () => host?.stop());

    const place = async (slug, fields) => author.post(`/author/${ids[slug]}/series`, { csrf: await csrf(author, `/author/${ids[slug]}`), ...fields });
    /** Where A and B appear on the reader's series page (-1: absent), or null when it is a 404. */
    const order = async () => {
      const res = await fetch(`${host.url}/series/${series}`);
      if (res.status === 404) return null;
      assert.equal(res.status, 200);
      const html = await res.text();
      assert.ok(html.includes(title), "the series' title");
      return [html.indexOf(`href="/content/${A}"`), html.indexOf(`href="/content/${B}"`)];
    };

    test("set, move, remove: the reader's series page follows", async () => {
      assert.equal(await order(), null, "no such series yet");
      // a new series without a title: refused, with an error summary pointing at the field
      const untitled = await place(A, { series, position: "1" });
      assert.equal(untitled.status, 400);
      const page = await untitled.text();
      assert.match(page, /class="error-summary"[^>]*role="alert"/);
      assert.match(page, /href="#series_title">Enter a title for the new series/);
      assert.match(page, new RegExp(`value="${series}"`), "the values come back");
      assert.equal((await place(A, { series, series_title: title, position: "0" })).status, 400);
      // set: A at 1 (a new series, titled), B at 2 (the existing series, no title needed)
      assert.equal((await place(A, { series, series_title: title, position: "1" })).status, 303);
      assert.equal((await place(B, { series, position: "2" })).status, 303);
      assert.match(await (await author.get(`/author/${ids[A]}`)).text(), new RegExp(`${title}</a> <code>${series}</code></td><td>1</td>`));
      await eventually(async () => {
        const [a, b] = await order();
        assert.ok(a >= 0 && b > a, `A then B: ${a}, ${b}`);
      });
      // move: A behind B
      assert.equal((await place(A, { series, position: "3" })).status, 303);
      await eventually(async () => {
        const [a, b] = await order();
        assert.ok(b >= 0 && a > b, `B then A: ${a}, ${b}`);
      });
      // remove: A is gone from the series (once the reader pages caught up), B stays
      const removal = await author.post(`/author/${ids[A]}/series/remove`, { csrf: await csrf(author, `/author/${ids[A]}`), series });
      assert.equal(removal.status, 303);
      assert.match(await (await author.get(`/author/${ids[A]}`)).text(), /This item is not part of a series/);
      await readersCaughtUp(host);
      const [a, b] = await order();
      assert.ok(a === -1 && b >= 0, `only B: ${a}, ${b}`);
    });

    test("an HCP may not place, nor may a forged form; every change is audited", async () => {
      const byHcp = await hcp.post(`/author/${ids[B]}/series`, { csrf: await csrf(hcp, "/"), series, position: "1" });
      assert.equal(byHcp.status, 403);
      assert.equal((await hcp.post(`/author/${ids[B]}/series/remove`, { csrf: await csrf(hcp, "/"), series })).status, 403);
      assert.equal((await author.post(`/author/${ids[B]}/series`, { csrf: "forged", series, position: "1" })).status, 403);
      assert.equal((await author.post(`/author/${ids[B]}/series/remove`, { csrf: "forged", series })).status, 403);
      // B kept its place
      await readersCaughtUp(host);
      assert.ok((await order())[1] >= 0);
      const global = await host.dumpSql("db_global");
      assert.ok(global.includes("content.series_placed") && global.includes("content.series_removed"), "audited in db_global");
      assert.ok(global.includes(`series=${series}; position=3`), "the move is recorded with its position");
    });
  });
}
