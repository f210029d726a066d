// The content team of the contract suites (content governance, content files): staff and HCP
// sign-ins, item creation, and a reviewer's signature through identity's step-up.
import assert from "node:assert/strict";
import { csrfOf, emailSignIn, staffSignIn, totp, DEMO_TOTP } from "./browser.mjs";
import { startHost } from "./hosts.mjs";

/** The seeded reviewers, one per discipline that must sign an item. */
export const REVIEWERS = [
  ["medical", "jan.devries@example.org"],
  ["legal", "sarah.johnson@example.org"],
  ["regulatory", "klaus.weber@example.org"],
];

/** The date `offset` days from today (YYYY-MM-DD). */
export const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

const unescape = (s) => s.replaceAll("&amp;", "&");

/** Signs the team in on `host`: the author, the publisher (admin), a reviewer per discipline,
 * a verified HCP of DE and one of the US. */
export async function signInTeam(host) {
  const author = await staffSignIn(host, "sophie.martin@example.org");
  const admin = await staffSignIn(host, "tom.obrien@example.org");
  const reviewers = {};
  for (const [d, email] of REVIEWERS) reviewers[d] = await staffSignIn(host, email);
  const hcpDe = await emailSignIn(host, "anna.mueller@example.org");
  const hcpUs = await emailSignIn(host, "maria.garcia@example.org");
  return { author, admin, reviewers, hcpDe, hcpUs };
}

/** Starts host `name` (`startHost`) and signs the team in on it: { host, ...signInTeam }.
 * A sign-in that fails stops the host again. */
export async function startTeam(name) {
  const host = await startHost(name);
  try {
    return { host, ...(await signInTeam(host)) };
  } catch (e) {
    await host.stop();
    throw e;
  }
}

/** The CSRF token of the first form on `path` as `b` sees it. */
export const csrfAt = async (b, path) => csrfOf(await (await b.get(path)).text());

/** Creates a draft as `author` (`fields` besides the CSRF token); returns the item's id. */
export async function createItem(author, fields) {
  const created = await author.post("/author", { csrf: await csrfAt(author, "/author"), ...fields });
  assert.equal(created.status, 303, await created.text());
  return created.headers.get("location").split("/").pop();
}

/** Reviewer `b` re-authenticates at identity (a TOTP code one step ahead) for `discipline`
 * on item `id`: the signing form's action, assertion and CSRF token. */
export async function stepUp(b, id, discipline) {
  const review = await (await b.get(`/review/${id}`)).text();
  const link = unescape(review.match(new RegExp(`href="(/account/step-up\\?[^"]*%3A${discipline}[^"]*)"`))[1]);
  const form = await b.get(link);
  assert.equal(form.status, 200, await form.clone().text());
  const html = await form.text();
  const purpose = html.match(/name="purpose" value="([^"]+)"/)[1];
  const ret = html.match(/name="return" value="([^"]+)"/)[1];
  const res = await b.post("/account/step-up", { csrf: csrfOf(html), purpose, return: ret, code: totp(DEMO_TOTP, 1) });
  const page = await res.text();
  assert.equal(res.status, 200, page);
  return { action: page.match(/<form method="post" action="([^"]+)"/)[1], assertion: page.match(/name="assertion" value="([^"]+)"/)[1], csrf: csrfOf(page) };
}

/** Reviewer `b` signs item `id` for `discipline` with `comment`; returns the assertion used. */
export async function sign(b, id, discipline, comment) {
  const a = await stepUp(b, id, discipline);
  const res = await b.post(a.action, { csrf: a.csrf, assertion: a.assertion, comment });
  assert.equal(res.status, 303, await res.text());
  return a;
}

/** Every discipline's reviewer (`reviewers`, as `signInTeam` gives them) signs item `id`. */
export async function signAll(reviewers, id) {
  for (const [d] of REVIEWERS) await sign(reviewers[d], id, d, `${d} ok`);
}
