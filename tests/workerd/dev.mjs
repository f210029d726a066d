// `make dev`: the whole portal in workerd at http://127.0.0.1:8787 with seeded demo content.
// State persists under .state/workerd between runs.
import { startPortal, ROOT } from "./portal.mjs";
import { DEV_SEARCH_INDEX_TOKEN, importLibrary, itemsFromD1, seedSearch } from "./search-seed.mjs";
import { join } from "node:path";

const port = Number(process.env.PORT ?? 8787);
const { mf, url, stop: stopPortal } = await startPortal({
  persistDir: join(ROOT, ".state/workerd"),
  port,
  vars: { dev_mode: "true", public_origin: `http://127.0.0.1:${port}` },
});
// The demo content becomes searchable through the production indexing entry point.
await importLibrary(url, DEV_SEARCH_INDEX_TOKEN);
const indexed = await seedSearch(url, DEV_SEARCH_INDEX_TOKEN, await itemsFromD1(mf));
console.log(`search: indexed ${indexed.map((r) => `${r.index} (${r.documents} items)`).join(", ")}`);
console.log(`medportal is running in workerd at ${url}/`);
console.log(`  mail outbox: ${url}/dev/outbox   state: .state/workerd   stop: Ctrl-C`);
const stop = async () => {
  await stopPortal();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
