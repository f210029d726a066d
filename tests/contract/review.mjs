// The library's MLR sign-off for contract tests: each discipline's reviewer re-authenticates
// at identity's step-up (a fresh TOTP code) and signs an item's head version. The same walk
// as content.test.mjs's local helpers (the lead may fold them into one).
import assert from "node:assert/strict";
import { csrfOf, totp, DEMO_TOTP } from "./browser.mjs";

const step = () => Math.floor(Date.now() / 30_000);
const unescape = (s) => s.replaceAll("&amp;", "&");

/** The reviewer of `discipline` steps up for item `id`; the signing form's action, assertion and CSRF token. */
async function stepUp(b, discipline, id) {
  const review = await (await b.get(`/review/${id}`)).text();
  const link = unescape(review.match(new RegExp(`href="(/account/step-up\\?[^"]*%3A${discipline}[^"]*)"`))[1]);
  const html = await (await b.get(link)).text();
  const purpose = html.match(/name="purpose" value="([^"]+)"/)[1];
  const ret = html.match(/name="return" value="([^"]+)"/)[1];
  const res = await b.post("/account/step-up", { csrf: csrfOf(html), purpose, return: ret, code: totp(DEMO_TOTP, 1) });
  const page = await res.text();
  assert.equal(res.status, 200, page);
  return { action: page.match(/<form method="post" action="([^"]+)"/)[1], assertion: page.match(/name="assertion" value="([^"]+)"/)[1], csrf: csrfOf(page) };
}

/** `reviewers`: { medical, legal, regulatory } signed-in staff browsers; all three sign item `id`'s head version. */
export async function signAll(reviewers, id) {
  for (const d of ["medical", "legal", "regulatory"]) {
    const a = await stepUp(reviewers[d], d, id);
    const res = await reviewers[d].post(a.action, { csrf: a.csrf, assertion: a.assertion, comment: `${d} ok` });
    assert.equal(res.status, 303, await res.text());
  }
  return step();
}
