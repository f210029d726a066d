// Files attached to content items (issue 13, item 7) on every host: an author attaches files to
// a draft (multipart, as the form without JavaScript sends it); the type is sniffed from the
// bytes and refused outside PDF/PNG/JPEG, an oversized file is refused, a file carrying the
// EICAR test signature is refused by the scan (the production HTTP scanner adapter against a
// fake scanning service) and never stored, a scanner failure leaves the file pending; a draft's
// file can be removed (never a published version's), an upload over the request limit gets an
// HTML page saying what to do; once the item is signed by
// medical, legal and regulatory reviewers and published for DE, `/files/{id}` streams the exact
// bytes to a verified HCP of DE and to staff, and answers 404 to an HCP of another market, to
// anonymous visitors and after a withdrawal. No bucket URL appears anywhere. A rescan
// overtaken by another scan (the fake scanner holds the first) and a removal sent after the
// item left draft are refused with the 409 reload page (stable codes), no audit entry, the
// bytes kept.
// Run: MEDPORTAL_HOSTS=native node --test tests/contract/files.test.mjs
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { eventually, readersCaughtUp } from "./hosts.mjs";
import { REVIEWERS, createItem, csrfAt as csrf, day, sign, startTeam } from "./staff.mjs";

const HOSTS = (process.env.MEDPORTAL_HOSTS ?? "native,workerd,spin").split(",").filter(Boolean);
const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n");
const EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

/** A multipart upload of `data` through node:http, its body sent in 64 KiB chunks as a browser
 * streams it; resolves to the answer once it has ended ({ status, type, text }), whatever
 * becomes of the rest of the body (a host may stop reading it once it has refused it). */
function rawUpload(url, path, data, extra = {}) {
  const boundary = `----medportal${Date.now()}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const headers = { "content-type": `multipart/form-data; boundary=${boundary}`, "transfer-encoding": "chunked", ...extra };
    const req = request({ host: u.hostname, port: u.port, method: "POST", path, headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => (clearTimeout(timer), req.destroy(), resolve({ status: res.statusCode, type: res.headers["content-type"] ?? "", text })));
    });
    const timer = setTimeout(() => (req.destroy(), reject(new Error("no answer within 20 s"))), 20_000);
    req.on("error", () => {});
    for (let at = 0; at < body.length; at += 64 * 1024) req.write(body.subarray(at, at + 64 * 1024));
    req.end();
  });
}

for (const name of HOSTS) {
  describe(`content files on ${name}`, { timeout: 300_000 }, () => {
    let host, author, admin, hcpDe, hcpUs, reviewers;
    const run = Date.now().toString(36);
    const slug = `ct-files-${run}`;
    let id;

    before(async () => ({ host, author, admin, reviewers, hcpDe, hcpUs } = await startTeam(name)));
    after(async () => host?.stop());

    const item = () => `/author/${id}`;
    const attach = async (name, data) => author.upload(`${item()}/files`, { csrf: await csrf(author, item()) }, { field: "file", name, type: "application/pdf", data });

    test("attach (type, size and scan checked) → sign → publish → streamed to readers of the item only", async () => {
      id = await createItem(author, {
        slug, language: "en", type: "prescribing_information",
        title: `Apixaban leaflet ${run}`, summary: "The leaflet.", body: "See the attached leaflet.",
        area: "cardiology", audience: "hcp", markets: "DE", reviewed_on: day(-1), expires_on: day(365),
      });

      // the type comes from the bytes (declared application/pdf, named .pdf: still HTML)
      const html = await attach("leaflet.pdf", Buffer.from("<html><script>alert(1)</script></html>"));
      assert.equal(html.status, 400);
      assert.match(await html.text(), /Choose a PDF, PNG or JPEG file/);
      // larger than the limit the form states
      const limitKb = Number((await (await author.get(item())).text()).match(/up to (\d+) KB/)[1]);
      const big = await attach("big.pdf", Buffer.concat([PDF, Buffer.alloc(limitKb * 1024, 0x20)]));
      assert.equal(big.status, 400);
      assert.match(await big.text(), /The file is too large/);
      // the scan refuses the EICAR test signature: recorded as rejected, never stored
      const infected = await attach("infected.pdf", Buffer.concat([PDF, Buffer.from(EICAR)]));
      assert.equal(infected.status, 400);
      assert.match(await infected.text(), /The malware scan refused this file/);
      // that verdict came from the deployment's scanning service (the production adapter),
      // sent the bytes with its bearer token
      const seen = host.scanner.requests.at(-1);
      assert.equal(seen.auth, `Bearer ${host.scanner.token}`);
      assert.equal(seen.bytes, PDF.length + EICAR.length);
      // the service failing gives no verdict: the file is kept but stays pending (fails closed)
      const fault = await attach("fault.pdf", Buffer.concat([PDF, Buffer.from("SCANNER-FAULT")]));
      assert.equal(fault.status, 303, await fault.text());
      const pending = await (await author.get(item())).text();
      assert.match(pending, /fault\.pdf<\/td>\s*<td>\d+<\/td>\s*<td>[^<]*<\/td>\s*<td>Waiting for the malware scan/);
      // a file of the draft can be removed (CSRF checked, audited): gone from the list
      const faultId = pending.match(/name="file" value="([A-Za-z0-9]+)"><button[^>]*>Remove<span class="visually-hidden"> fault\.pdf</)[1];
      assert.equal((await author.post(`${item()}/files/remove`, { csrf: "wrong", file: faultId })).status, 403);
      assert.equal((await hcpDe.post(`${item()}/files/remove`, { csrf: await csrf(hcpDe, "/"), file: faultId })).status, 403);
      const removed = await author.post(`${item()}/files/remove`, { csrf: await csrf(author, item()), file: faultId });
      assert.equal(removed.status, 303, await removed.text());
      assert.doesNotMatch(await (await author.get(item())).text(), /fault\.pdf/);
      // an upload over the request limit (1 MiB) gets an HTML page saying so
      const huge = await rawUpload(host.url, `${item()}/files`, Buffer.concat([PDF, Buffer.alloc(1024 * 1024, 0x20)]));
      assert.equal(huge.status, 413);
      assert.match(huge.type, /text\/html/);
      const hugePage = huge.text;
      assert.match(hugePage, /<h1>Submission too large<\/h1>/);
      assert.match(hugePage, /nothing was stored\. Go back, choose a smaller file/);
      // … in the visitor's language, like every other error page
      const hugeDe = await rawUpload(host.url, `${item()}/files`, Buffer.concat([PDF, Buffer.alloc(1024 * 1024, 0x20)]), { "accept-language": "de" });
      assert.equal(hugeDe.status, 413);
      assert.match(hugeDe.text, /<h1>Übermittelte Daten zu umfangreich<\/h1>/);
      // the service down: a file stays pending, and a new scan once it is back makes it
      // available (authors and reviewers may ask for one; CSRF checked; audited)
      host.scanner.setDown(true);
      assert.equal((await attach("outage.pdf", PDF)).status, 303);
      const waiting = await (await author.get(item())).text();
      assert.match(waiting, /outage\.pdf<\/td>\s*<td>\d+<\/td>\s*<td>[^<]*<\/td>\s*<td>Waiting for the malware scan/);
      const outageId = waiting.match(/name="file" value="([A-Za-z0-9]+)"><button[^>]*>Scan again<span class="visually-hidden"> outage\.pdf</)[1];
      const rescan = async (b, token) => b.post(`${item()}/files/rescan`, { csrf: token ?? (await csrf(b, b === hcpDe ? "/" : item())), file: outageId });
      assert.equal((await rescan(author)).status, 303);
      assert.match(await (await author.get(item())).text(), /outage\.pdf<\/td>\s*<td>\d+<\/td>\s*<td>[^<]*<\/td>\s*<td>Waiting for the malware scan/);
      host.scanner.setDown(false);
      assert.equal((await rescan(hcpDe)).status, 403);
      assert.equal((await rescan(author, "forged")).status, 403);
      assert.equal((await rescan(reviewers.medical)).status, 303);
      assert.match(await (await author.get(item())).text(), /outage\.pdf<\/a><\/td>\s*<td>\d+<\/td>\s*<td>[^<]*<\/td>\s*<td>Checked: available to readers/);
      assert.equal((await rescan(author)).status, 409, "nothing pending to scan");
      assert.ok((await host.dumpSql("db_global")).includes(`file=${outageId}; rescan; scan=clean`), "audited");
      assert.equal((await author.post(`${item()}/files/remove`, { csrf: await csrf(author, item()), file: outageId })).status, 303);
      // a reader cannot attach
      const byHcp = await hcpDe.upload(`${item()}/files`, { csrf: await csrf(hcpDe, "/") }, { field: "file", name: "x.pdf", type: "application/pdf", data: PDF });
      assert.equal(byHcp.status, 403);
      const ok = await attach("Leaflet v1.pdf", PDF);
      assert.equal(ok.status, 303, await ok.text());
      const page = await (await author.get(item())).text();
      assert.match(page, /Refused by the malware scan/);
      const file = page.match(/href="(\/files\/[A-Za-z0-9]+)"/)[1];
      assert.doesNotMatch(page, /r2\.|blob_global|\.r2\.dev|amazonaws/);

      // not yet published: staff get it, the German HCP does not
      const staffGet = await author.get(file);
      assert.equal(staffGet.status, 200);
      assert.equal(staffGet.headers.get("content-type"), "application/pdf");
      assert.deepEqual(Buffer.from(await staffGet.arrayBuffer()), PDF);
      assert.equal((await hcpDe.get(file)).status, 404);

      // medical, legal and regulatory sign (step-up with a TOTP code each), then publish
      assert.equal((await author.post(`${item()}/submit`, { csrf: await csrf(author, item()) })).status, 303);
      for (const [d] of REVIEWERS) await sign(reviewers[d], id, d, "ok");
      assert.equal((await admin.post(`${item()}/publish`, { csrf: await csrf(admin, item()) })).status, 303);
      // a published version's files are fixed: no removal offered, a removal refused
      const published = await (await author.get(item())).text();
      assert.doesNotMatch(published, />Remove</);
      const fileId = file.split("/").pop();
      assert.equal((await author.post(`${item()}/files/remove`, { csrf: await csrf(author, item()), file: fileId })).status, 409);
      assert.equal((await author.get(file)).status, 200);

      // the German HCP sees the download (within a second of the publish) and gets the exact
      // bytes, never cached by others
      await eventually(async () => assert.match(await (await hcpDe.get(`/content/${slug}`)).text(), new RegExp(`href="${file}"`)));
      const got = await hcpDe.get(file);
      assert.equal(got.status, 200);
      assert.deepEqual(Buffer.from(await got.arrayBuffer()), PDF);
      assert.equal(got.headers.get("cache-control"), "private, no-store");
      assert.match(got.headers.get("content-disposition"), /attachment/);
      // another market's HCP, anonymous visitors (whatever market they pick): 404
      assert.equal((await hcpUs.get(file)).status, 404);
      assert.equal((await fetch(host.url + file, { redirect: "manual" })).status, 404);
      assert.equal((await fetch(`${host.url}${file}?market=DE`, { redirect: "manual" })).status, 404);
      assert.equal((await fetch(`${host.url}/files/doesnotexist`, { redirect: "manual" })).status, 404);
      // withdrawn: gone for readers once the reader pages caught up (within a second)
      assert.equal((await admin.post(`${item()}/withdraw`, { csrf: await csrf(admin, item()), reason: "superseded" })).status, 303);
      await readersCaughtUp(host);
      assert.equal((await hcpDe.get(file)).status, 404);
    });

    test("a rescan overtaken by another scan, and a removal after the item left draft: 409 reload, nothing changed, no entry, the bytes kept", async () => {
      const raceSlug = `ct-files-race-${run}`;
      const raceId = await createItem(author, {
        slug: raceSlug, language: "en", type: "prescribing_information",
        title: `Apixaban leaflet race ${run}`, summary: "The leaflet.", body: "See the attached leaflet.",
        area: "cardiology", audience: "hcp", markets: "DE", reviewed_on: day(-1), expires_on: day(365),
      });
      const at = `/author/${raceId}`;
      host.scanner.setDown(true);
      const up = await author.upload(`${at}/files`, { csrf: await csrf(author, at) }, { field: "file", name: "race.pdf", type: "application/pdf", data: PDF });
      host.scanner.setDown(false);
      assert.equal(up.status, 303, await up.text());
      const waiting = await (await author.get(at)).text();
      const fid = waiting.match(/name="file" value="([A-Za-z0-9]+)"><button[^>]*>Scan again<span class="visually-hidden"> race\.pdf</)[1];
      const rescan = async (b, headers) => b.post(`${at}/files/rescan`, { csrf: await csrf(b, at), file: fid }, headers);
      const audit = async () => await host.dumpSql("db_global");

      // the author's rescan reads "pending" and waits for a slow scanner (which will say
      // infected); the medical reviewer's rescan of the same file is answered first: clean
      const slow = host.scanner.holdNext("stream: Race.Test.Late FOUND");
      const late = rescan(author);
      await slow.arrived;
      assert.equal((await rescan(reviewers.medical)).status, 303);
      slow.release();
      // the late verdict's batch is refused whole: the reload page, no entry, the bytes kept
      const refused = await late;
      assert.equal(refused.status, 409);
      const refusedPage = await refused.text();
      assert.match(refusedPage, /reload the page/);
      assert.match(refusedPage, /file_not_pending/);
      const entries = await audit();
      assert.ok(!entries.includes(`file=${fid}; rescan; scan=Race.Test.Late`), "no entry for the refused verdict");
      assert.equal(entries.split(`file=${fid}; rescan; scan=clean`).length - 1, 1, "one entry: the scan that happened");
      assert.match(await (await author.get(at)).text(), /race\.pdf<\/a><\/td>\s*<td>\d+<\/td>\s*<td>[^<]*<\/td>\s*<td>Checked: available to readers/);
      await eventually(async () => {
        const got = await author.get(`/files/${fid}`);
        assert.equal(got.status, 200, "the clean file's bytes were not deleted");
        assert.deepEqual(Buffer.from(await got.arrayBuffer()), PDF);
      });
      // an API client gets the same stable code as JSON
      const json = await rescan(author, { accept: "application/json" });
      assert.equal(json.status, 409);
      assert.equal((await json.json()).error.code, "file_not_pending");

      // the removal form was loaded while the item was a draft; the item is submitted before
      // the removal is sent: refused (the reload page), the reviewed file kept, no entry
      const removeToken = await csrf(author, at);
      assert.match(await (await author.get(at)).text(), />Remove<span class="visually-hidden"> race\.pdf</);
      assert.equal((await author.post(`${at}/submit`, { csrf: await csrf(author, at) })).status, 303);
      const removal = await author.post(`${at}/files/remove`, { csrf: removeToken, file: fid });
      assert.equal(removal.status, 409);
      const removalPage = await removal.text();
      assert.match(removalPage, /reload the page/);
      assert.match(removalPage, /file_not_removable/);
      const asJson = await author.post(`${at}/files/remove`, { csrf: removeToken, file: fid }, { accept: "application/json" });
      assert.equal(asJson.status, 409);
      assert.equal((await asJson.json()).error.code, "file_not_removable");
      assert.ok(!(await audit()).includes(`file=${fid}; name=`), "no removal entry (its reason names the file)");
      assert.match(await (await author.get(at)).text(), /race\.pdf<\/a>/, "still listed");
      const kept = await author.get(`/files/${fid}`);
      assert.equal(kept.status, 200);
      assert.deepEqual(Buffer.from(await kept.arrayBuffer()), PDF);
    });
  });
}
