// A plain mdBook with mdBook's default theme, served by `copbook serve`, in Chromium with
// the server's Content-Security-Policy in force (unlike run.mjs, nothing bypasses it).
//
//   node tests/browser/plain-mdbook.mjs plain-mdbook BASE_URL
//
// Checks: no CSP violation or script error on any page; the sidebar lists every chapter
// (drafts included); the theme picker changes the theme; inline code is readable (contrast
// of its text at least 4.5:1) in a light and a dark theme; the menu bar's search button and
// the `s` key open copbook's search, and a result leads to its page.
// Prints one JSON object ({scenario, ok, failures, ...}); exits 0 when ok, 1 otherwise.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const [scenario, baseArg] = process.argv.slice(2);
if (scenario !== 'plain-mdbook' || !/^https?:\/\//.test(baseArg || '')) {
  process.stderr.write('usage: node plain-mdbook.mjs plain-mdbook BASE_URL\n');
  process.exit(2);
}
const BASE = baseArg.replace(/\/+$/, '');
const result = { scenario, base: BASE, ok: false, failures: [], checked: [] };
const PAGES = ['/', '/intro.html', '/track/', '/track/curves.html', '/track/slips.html', '/code.html', '/glossary.html', '/credits.html'];
const CHAPTERS = ['Introduction', 'Laying track', 'Curves', 'Points and crossings', 'Double slips', 'Signalling', 'Rolling stock', 'Code samples', 'Glossary', 'Weather proofing', 'Credits'];

function finish() {
  result.ok = result.failures.length === 0;
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  if (!result.ok) process.stderr.write(`${scenario}: FAILED\n${result.failures.map((f) => `  - ${f}`).join('\n')}\n`);
  process.exit(result.ok ? 0 : 1);
}
setTimeout(() => { result.failures.push('watchdog: still running after 200 s'); finish(); }, 200_000).unref();

function fail(message) { result.failures.push(message); }

/** WCAG contrast ratio of two [r, g, b] colours. */
function contrast(a, b) {
  const lum = ([r, g, bl]) => {
    const c = [r, g, bl].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** The colour of the first inline code in the main text and the background it sits on. */
async function inlineCodeColours(page) {
  return page.evaluate(() => {
    const code = Array.from(document.querySelectorAll('main code')).find((c) => !c.closest('pre'));
    if (!code) return null;
    const rgb = (s) => (s.match(/[\d.]+/g) || []).map(Number);
    let bg = null;
    for (let el = code; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length >= 3 && (c.length === 3 || c[3] > 0)) { bg = c.slice(0, 3); break; }
    }
    return { fg: rgb(getComputedStyle(code).color).slice(0, 3), bg: bg || [255, 255, 255], text: code.textContent };
  });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  chromiumSandbox: false,
  args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  page.on('console', (m) => {
    const text = m.text();
    if (/Content.Security.Policy|Refused to/i.test(text)) fail(`CSP violation on ${page.url()}: ${text.slice(0, 300)}`);
  });
  page.on('pageerror', (e) => {
    // The default theme asks play.rust-lang.org for its crates on pages with a playground;
    // this machine is offline, so that request fails as it would with stock mdBook. A
    // request the policy blocked shows as a CSP violation above instead.
    if (e.message === 'Failed to fetch' && new URL(page.url()).pathname === '/code.html') {
      result.checked.push('code.html: the playground is unreachable offline (not a CSP block)');
      return;
    }
    fail(`script error on ${page.url()}: ${e.message}`);
  });

  for (const path of PAGES) {
    const res = await page.goto(BASE + path, { waitUntil: 'load' });
    if (!res || res.status() !== 200) { fail(`GET ${path}: status ${res && res.status()}`); continue; }
    // A violation the console does not show still fires this event.
    const violations = await page.evaluate(() => new Promise((resolve) => {
      const seen = [];
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
      setTimeout(() => resolve(seen), 300);
    }));
    for (const v of violations) fail(`CSP violation on ${path}: ${v}`);
    // Each entry's own text (a link, or a span for a draft), without its number.
    const listed = await page.$$eval('#mdbook-sidebar li.chapter-item > .chapter-link-wrapper', (items) => items.map((i) => {
      const own = i.querySelector('a, span') || i;
      return Array.from(own.childNodes).filter((n) => n.nodeName !== 'STRONG').map((n) => n.textContent).join('').trim();
    }));
    const missing = CHAPTERS.filter((c) => !listed.includes(c));
    if (missing.length) fail(`${path}: the sidebar lacks ${missing.join(', ')} (lists: ${listed.join(' | ')})`);
    result.checked.push(path);
  }

  // The theme picker, and inline code readable in a light and a dark theme.
  await page.goto(`${BASE}/intro.html`, { waitUntil: 'load' });
  for (const theme of ['light', 'coal']) {
    // The picker stays open after a choice; open it only when it is closed.
    if (!(await page.isVisible(`#mdbook-theme-${theme}`))) await page.click('#mdbook-theme-toggle');
    await page.click(`#mdbook-theme-${theme}`);
    const applied = await page.evaluate((t) => document.documentElement.classList.contains(t), theme);
    if (!applied) fail(`the theme picker did not apply ${theme}`);
    const colours = await inlineCodeColours(page);
    if (!colours) { fail('no inline code on intro.html'); continue; }
    const ratio = contrast(colours.fg, colours.bg);
    result.checked.push(`inline code \`${colours.text}\` in ${theme}: contrast ${ratio.toFixed(2)}`);
    if (ratio < 4.5) fail(`inline code in ${theme}: contrast ${ratio.toFixed(2)} < 4.5 (${colours.fg} on ${colours.bg})`);
  }

  // The `s` key opens the search bar; Escape closes it.
  await page.keyboard.press('s');
  await page.waitForSelector('#mdbook-searchbar', { state: 'visible' });
  await page.keyboard.press('Escape');
  await page.waitForSelector('#mdbook-searchbar', { state: 'hidden' });

  // The search button: type, a result appears, it leads to its page.
  await page.click('#mdbook-search-toggle');
  await page.waitForSelector('#mdbook-searchbar', { state: 'visible' });
  await page.keyboard.type('double slip');
  const first = await page.waitForSelector('#mdbook-searchresults li a');
  const title = (await first.textContent()).trim();
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), first.click()]);
  const landed = new URL(page.url()).pathname;
  result.checked.push(`search "double slip" → ${title} → ${landed}`);
  if (landed !== '/track/slips.html') fail(`the first result for "double slip" led to ${landed}, not /track/slips.html`);
} catch (e) {
  fail(`${e.name}: ${String(e.message).split('\n')[0]}`);
} finally {
  await browser.close();
}
finish();
