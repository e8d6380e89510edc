// Bytes a reader downloads to open one page: every resource Chromium fetches while loading
// it, each measured gzipped (level 9, as a server with compression would send it).
//
//   node benches/weight/page_weight.mjs URL [URL…]
//
// Uses playwright-core from tests/browser/node_modules and Debian's /usr/bin/chromium.
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../../tests/browser/package.json"));
const { chromium } = require("playwright-core");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
for (const url of process.argv.slice(2)) {
  const page = await browser.newPage();
  const seen = [];
  page.on("response", async (res) => {
    try {
      const body = await res.body();
      seen.push({ url: res.url(), raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
    } catch { /* redirects and aborted requests have no body */ }
  });
  await page.goto(url, { waitUntil: "networkidle" });
  await page.waitForTimeout(500);
  let raw = 0, gz = 0;
  console.log(`\n${url}`);
  for (const r of seen) {
    raw += r.raw; gz += r.gzip;
    console.log(`  ${String(r.gzip).padStart(8)} gz ${String(r.raw).padStart(9)} raw  ${r.url}`);
  }
  console.log(`  ${String(gz).padStart(8)} gz ${String(raw).padStart(9)} raw  TOTAL (${seen.length} requests)`);
  await page.close();
}
await browser.close();
