// Real-browser checks of a running `copbook serve`, in the system Chromium via playwright-core.
//
//   node tests/browser/run.mjs SCENARIO BASE_URL [CLOSED_BASE_URL]
//
// SCENARIO is one of:
//   axe           every kind of page, checked by axe-core against WCAG 2.0/2.1/2.2 A and AA;
//                 CLOSED_BASE_URL (a server whose consultation has closed) adds the closed form
//   axe-cy        the same for the Welsh edition's pages (/cy/…)
//   keyboard      search → first hit → "Comment on this" → form → receipt, with the keyboard only
//   keyboard-nojs the same with JavaScript off
//   keyboard-cy   the same journey on the Welsh site, to a receipt in Welsh
//   reflow        no horizontal scrolling at 320 CSS pixels wide (WCAG 1.4.10)
//   axe-admin     the drafters' analysis pages (/admin/…, token in $ADMIN_TOKEN): axe-core at
//                 1280 and at 320 pixels, no horizontal scrolling at 320, after giving an
//                 analyst's name with the form (no script)
//   accounts      sign in with the keyboard alone (account `ada`, password in $ADMIN_PASSWORD),
//                 /admin/audit, sign out with the keyboard: axe-core at 1280 and 320 pixels on
//                 each page (and the Welsh sign-in page), no horizontal scrolling at 320
//   axe-edition   the Code as published (/drafts/…, an earlier draft's pages, the change log
//                 since, a removed paragraph, the side-by-side view): axe-core at 1280 and at
//                 320 pixels, no horizontal scrolling at 320
//   journey-route    a member of the public searches in their own words, opens the first
//                    result and reaches the link to the real route (ACRO, the ICO, the IOPC)
//   journey-question a charity opens a chapter, follows "Answer this question", fills the form
//                    for its organisation and gets a receipt saying how it will be named; in
//                    English and in Welsh
//   journey-drafter  a drafter (token in $ADMIN_TOKEN) opens a response's own page
//                    (/admin/responses/REF, one reference per width in $RESPONSES), gives a
//                    short name, codes it and publishes it
//                 Each journey: the keyboard alone, at 1280 and at 320 pixels, axe-core on
//                 every page reached, no horizontal scrolling at 320.
//
// Prints one JSON object ({scenario, ok, failures, ...}) on stdout; exits 0 when ok, 1 when a
// check failed, 2 on wrong usage. Chromium is $CHROMIUM, else /usr/bin/chromium. Never
// downloads a browser.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// What the keyboard journey looks for, per language of the site.
const JOURNEY = {
  en: { home: '/', search: '/search', query: 'custody image', commentLink: /^Comment on this/, comment: '/comment', receipt: 'Comment received' },
  cy: { home: '/cy/', search: '/cy/search', query: 'tystion', commentLink: /^Rhoi sylw ar hyn/, comment: '/cy/comment', receipt: 'Sylw wedi dod i law' },
};
const SCENARIOS = {
  axe: (b) => axe(b, 'en'),
  'axe-cy': (b) => axe(b, 'cy'),
  keyboard: (b) => keyboard(b, true),
  'keyboard-nojs': (b) => keyboard(b, false),
  'keyboard-cy': (b) => keyboard(b, true, JOURNEY.cy),
  reflow,
  'axe-admin': axeAdmin,
  accounts,
  'axe-edition': axeEdition,
  'journey-route': journeyRoute,
  'journey-question': journeyQuestion,
  'journey-drafter': journeyDrafter,
};
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
const NAV_TIMEOUT = 30_000;
const WATCHDOG = 240_000;

/** A check that failed: the message goes into `failures`, the scenario goes on where it can. */
class Failure extends Error {}

function usage(message) {
  process.stderr.write(`${message}\nusage: node run.mjs (${Object.keys(SCENARIOS).join('|')}) BASE_URL [CLOSED_BASE_URL]\n`);
  process.exit(2);
}

const [scenario, baseArg, closedArg] = process.argv.slice(2);
if (!SCENARIOS[scenario]) usage(`unknown scenario ${JSON.stringify(scenario)}`);
if (!baseArg || !/^https?:\/\//.test(baseArg)) usage('BASE_URL must be an http(s) URL');
const BASE = baseArg.replace(/\/+$/, '');
const CLOSED = closedArg ? closedArg.replace(/\/+$/, '') : null;

const result = { scenario, base: BASE, ok: false, failures: [] };

function finish(code) {
  result.ok = code === 0 && result.failures.length === 0;
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  if (!result.ok) {
    process.stderr.write(`${scenario}: FAILED\n${result.failures.map((f) => `  - ${f}`).join('\n')}\n`);
  }
  process.exit(result.ok ? 0 : 1);
}

setTimeout(() => {
  result.failures.push(`watchdog: scenario still running after ${WATCHDOG / 1000} s`);
  finish(1);
}, WATCHDOG).unref();

async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    chromiumSandbox: false, // runs as root in CI: --no-sandbox
    // This machine's network is closed: no background connections, no component updates.
    // playwright-core gives every launch a fresh, empty profile (--user-data-dir).
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

async function newPage(browser, options = {}) {
  const context = await browser.newContext({
    // axe-core goes in as an inline script; the server's CSP (script-src 'self') would block it.
    bypassCSP: true,
    locale: 'en-GB',
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  context.setDefaultTimeout(NAV_TIMEOUT);
  context.setDefaultNavigationTimeout(NAV_TIMEOUT);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`script error on ${page.url()}: ${e.message}`));
  return { page, errors };
}

/** GET a page; fails unless the status is `status`. */
async function open(page, url, status = 200) {
  const response = await page.goto(url, { waitUntil: 'load' });
  const got = response ? response.status() : 0;
  if (got !== status) throw new Failure(`GET ${url}: status ${got}, expected ${status}`);
  return response;
}

/** Runs `step`, turning a thrown error into a failure line prefixed by `label`. */
async function attempt(label, step) {
  try {
    return await step();
  } catch (e) {
    const message = e instanceof Failure ? e.message : `${e.name}: ${e.message.split('\n')[0]}`;
    result.failures.push(`${label}: ${message}`);
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// axe

async function runAxe(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    const violations = r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target.map(String),
        html: n.html.length > 240 ? n.html.slice(0, 240) + '…' : n.html,
        summary: n.failureSummary,
      })),
    }));
    // Rules axe could not decide (e.g. contrast over an image): for a person to look at.
    const review = r.incomplete.map((v) => `${v.id} (${v.nodes.length})`);
    return { engine: r.testEngine.version, passed: r.passes.length, review, violations };
  }, WCAG_TAGS);
}

async function submitCommentForm(page, fill) {
  const form = page.locator('form[action="/comments"], form[action="/cy/comments"]');
  if ((await form.count()) !== 1) throw new Failure(`no comment form (form[action="/comments"] or "/cy/comments") on ${page.url()}`);
  if (fill) {
    await form.locator('textarea[name="body"]').fill(fill.body);
    await form.locator(`input[name="publish"][value="${fill.publish}"]`).check();
  }
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), form.locator('[type="submit"]').click()]);
}

async function axe(base, lang) {
  const comment = `${base}/comment?on=share-lawful-basis`;
  const english = [
    { name: 'home', url: `${base}/` },
    { name: 'theme chapter', url: `${base}/code/sharing.html` },
    { name: 'statement', url: `${base}/code/unacceptable-uses.html` },
    ...['why-leds', 'why-on-leds', 'challenge', 'governance', 'question-a-process', 'respond'].map((g) => ({
      name: `guide ${g}`,
      url: `${base}/guide/${g}.html`,
    })),
    { name: 'changes since draft 0.1', url: `${base}/changes.html` },
    { name: 'search with hits', url: `${base}/search?q=custody+image` },
    { name: 'search without hits', url: `${base}/search?q=zzqxjv` },
    { name: 'comment form', url: comment },
    {
      name: 'comment form with errors',
      url: comment,
      async act(page) {
        await submitCommentForm(page, null);
        if (/\/comments\/receipt\//.test(page.url())) throw new Failure('an empty comment was accepted');
        if ((await page.locator('.error-summary').count()) === 0) {
          throw new Failure(`no error summary after submitting the form empty (now at ${page.url()})`);
        }
      },
    },
    {
      name: 'receipt',
      url: comment,
      async act(page) {
        await submitCommentForm(page, { body: 'An accessibility check of the receipt page.', publish: 'no' });
        if (!/\/comments\/receipt\/[^/?#]+$/.test(page.url())) {
          throw new Failure(`a valid comment did not lead to /comments/receipt/REF (now at ${page.url()})`);
        }
      },
    },
    ...(CLOSED
      ? [
          {
            name: 'comment form, consultation closed',
            url: `${CLOSED}/comment?on=share-lawful-basis`,
            async act(page) {
              if ((await page.locator('form[action="/comments"]').count()) !== 0) {
                throw new Failure('the closed consultation still shows the comment form');
              }
            },
          },
        ]
      : []),
    { name: 'published responses', url: `${base}/responses` },
    { name: 'published responses to a paragraph', url: `${base}/responses?on=share-lawful-basis` },
    { name: 'published responses to a question', url: `${base}/responses?question=q-sharing` },
    { name: 'no published responses yet', url: `${base}/responses?on=general` },
    { name: "the College's response", url: `${base}/response/index.html` },
    { name: '404', url: `${base}/no-such-page`, status: 404 },
  ];
  // The Welsh edition: its pages, its search, the consultation in Welsh.
  const welsh = [
    { name: 'cy home', url: `${base}/cy/` },
    { name: 'cy the Code in English', url: `${base}/cy/cod.html` },
    ...['why-leds', 'why-on-leds', 'challenge', 'governance', 'question-a-process', 'respond'].map((g) => ({
      name: `cy guide ${g}`,
      url: `${base}/cy/guide/${g}.html`,
    })),
    { name: 'cy search with hits', url: `${base}/cy/search?q=plant` },
    { name: 'cy search without hits', url: `${base}/cy/search?q=zzqxjv` },
    { name: 'cy comment form', url: `${base}/cy/comment?on=guide%2Frespond` },
    {
      name: 'cy comment form with errors',
      url: `${base}/cy/comment?on=guide%2Frespond`,
      async act(page) {
        await submitCommentForm(page, null);
        if ((await page.locator('.error-summary').count()) === 0) {
          throw new Failure(`no error summary after submitting the Welsh form empty (now at ${page.url()})`);
        }
      },
    },
    {
      name: 'cy receipt',
      url: `${base}/cy/comment?on=guide%2Frespond`,
      async act(page) {
        await submitCommentForm(page, { body: 'Gwiriad hygyrchedd o dudalen y dderbynneb.', publish: 'no' });
        if (!/\/cy\/comments\/receipt\/[^/?#]+$/.test(page.url())) {
          throw new Failure(`a valid Welsh comment did not lead to /cy/comments/receipt/REF (now at ${page.url()})`);
        }
      },
    },
    { name: 'cy published responses', url: `${base}/cy/responses` },
    { name: 'cy published responses to a paragraph', url: `${base}/cy/responses?on=share-lawful-basis` },
    { name: "cy the College's response", url: `${base}/cy/response/index.html` },
    { name: 'cy 404', url: `${base}/cy/no-such-page`, status: 404 },
  ];
  const pages = lang === 'cy' ? welsh : english;

  const browser = await launch();
  result.pages = [];
  let violations = 0;
  for (const p of pages) {
    const entry = { name: p.name, url: p.url };
    result.pages.push(entry);
    const { page, errors } = await newPage(browser);
    await attempt(p.name, async () => {
      await open(page, p.url, p.status ?? 200);
      if (p.act) await p.act(page);
      entry.checked = page.url();
      Object.assign(entry, await runAxe(page));
      if (entry.passed === 0) throw new Failure('axe-core passed no rule at all: did it run?');
      violations += entry.violations.length;
      for (const v of entry.violations) {
        result.failures.push(
          `${p.name} (${entry.checked}): ${v.id} [${v.impact}] ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
        );
      }
    });
    result.failures.push(...errors);
    await page.context().close();
  }
  result.violations = violations;
  await browser.close();
}

// ---------------------------------------------------------------------------------------
// keyboard

/** What has focus, described for failure messages and for matching. */
async function focused(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return { tag: 'body', text: '' };
    const cs = getComputedStyle(e);
    const rect = e.getBoundingClientRect();
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 && cs.outlineColor !== 'rgba(0, 0, 0, 0)';
    const shadow = cs.boxShadow && cs.boxShadow !== 'none';
    return {
      tag: e.tagName.toLowerCase(),
      id: e.id,
      type: e.getAttribute('type') || '',
      name: e.getAttribute('name') || '',
      value: e.value ?? '',
      checked: !!e.checked,
      href: e.getAttribute('href') || '',
      cls: e.className && typeof e.className === 'string' ? e.className : '',
      text: (e.innerText || e.value || '').trim().replace(/\s+/g, ' ').slice(0, 80),
      inResults: !!e.closest('.search-results'),
      inCommentForm: !!(e.form && /^(\/cy)?\/comments$/.test(e.form.getAttribute('action') || '')),
      visible: rect.width > 1 && rect.height > 1 && rect.bottom > 0 && rect.right > 0 &&
        rect.top < window.innerHeight && rect.left < window.innerWidth,
      indicator: outline || shadow,
    };
  });
}

function describe(f) {
  if (f.tag === 'body') return '<body>';
  return `<${f.tag}${f.id ? '#' + f.id : ''}${f.name ? ` name=${f.name}` : ''}${f.type ? ` type=${f.type}` : ''}${f.href ? ` href=${f.href}` : ''}>${f.text ? ` "${f.text}"` : ''}`;
}

/**
 * Presses Tab until `want(focused)` holds; at most `max` presses. Every element focused on the
 * way must show a focus indicator (WCAG 2.4.7), and be scrolled into view.
 */
async function tabTo(page, what, want, max = 120) {
  const path = [];
  let wrapped = 0;
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    path.push(describe(f));
    // Focus left the page (the browser's own UI) twice: every stop has been visited.
    if (f.tag === 'body' && ++wrapped === 2) break;
    if (f.tag !== 'body' && !f.indicator) {
      result.failures.push(`${page.url()}: focus not visible on ${describe(f)} (no outline or box-shadow when focused)`);
    }
    if (f.tag !== 'body' && !f.visible) {
      result.failures.push(`${page.url()}: focused element is off screen: ${describe(f)}`);
    }
    if (want(f)) return { focus: f, presses: i + 1 };
  }
  const shown = path.length > 40 ? [...path.slice(0, 20), '…', ...path.slice(-20)] : path;
  throw new Failure(`${page.url()}: ${what} not reached after ${path.length} Tab presses; focus went ${shown.join(' → ')}`);
}

async function pressAndNavigate(page, key) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press(key)]);
}

async function keyboard(base, javaScriptEnabled, lang = JOURNEY.en) {
  const browser = await launch();
  const { page, errors } = await newPage(browser, { javaScriptEnabled });
  const steps = (result.steps = []);
  const step = (s) => steps.push(s);
  const query = lang.query;
  const COMMENT = 'Sent with the keyboard alone. Paragraph numbers are easy to quote.';

  await attempt('keyboard journey', async () => {
    await open(page, `${base}${lang.home}`);
    step(`opened ${page.url()}`);

    // The skip link is the first stop, and shows when focused.
    await page.keyboard.press('Tab');
    const first = await focused(page);
    if (first.tag !== 'a' || first.href !== '#content') {
      result.failures.push(`first Tab on / focuses ${describe(first)}, expected the skip link (href="#content")`);
    } else if (!first.visible) {
      result.failures.push('the skip link stays hidden when focused');
    }

    // The header search box.
    await tabTo(page, 'the header search box (#search-q)', (f) => f.id === 'search-q', 10);
    await page.keyboard.type(query);
    step(`typed "${query}" in the header search box`);

    if (javaScriptEnabled) {
      // book.js turns the box into a combobox with live suggestions from /api/search.
      const list = page.locator('#search-suggest');
      await list.waitFor({ state: 'visible', timeout: 5000 }).catch(() => {
        throw new Failure('live search: no suggestions listbox (#search-suggest) after typing a query (GET /api/search)');
      });
      // Wait for the answer to the whole query (an answer to a prefix may come first).
      await page.waitForFunction(
        (q) => (document.querySelector('#search-suggest .suggest-all') || {}).textContent?.includes(q),
        query,
        { timeout: 5000 },
      ).catch(() => {
        throw new Failure(`live search: no suggestions for the whole query "${query}"`);
      });
      const options = await list.locator('[role="option"]').count();
      await page.keyboard.press('ArrowDown');
      const active = await page.locator('#search-q').getAttribute('aria-activedescendant');
      const selected = await list.locator('[role="option"][aria-selected="true"]').getAttribute('id');
      if (!active || active !== selected) {
        throw new Failure(`live search: ArrowDown should select the first suggestion (aria-activedescendant=${active}, selected=${selected})`);
      }
      await page.keyboard.press('ArrowUp'); // back to the box, nothing selected
      if (await page.locator('#search-q').getAttribute('aria-activedescendant')) {
        throw new Failure('live search: ArrowUp from the first suggestion should leave nothing selected');
      }
      step(`live suggestions: ${options} options, ArrowDown/ArrowUp select and deselect`);
    }

    // Enter with nothing selected submits the form: the search results page.
    await pressAndNavigate(page, 'Enter');
    const url = new URL(page.url());
    step(`Enter → ${url.pathname}${url.search}`);
    if (url.pathname === lang.search) {
      if (url.searchParams.get('q') !== query) throw new Failure(`search page got q=${url.searchParams.get('q')}, expected "${query}"`);
      const { focus } = await tabTo(page, 'the first search result link (.search-results a)', (f) => f.tag === 'a' && f.inResults);
      step(`Tab → first hit ${focus.href} "${focus.text}"`);
      await pressAndNavigate(page, 'Enter');
      step(`Enter → ${new URL(page.url()).pathname}${new URL(page.url()).hash}`);
    } else if (!/\.html$/.test(url.pathname)) {
      throw new Failure(`Enter in the search box went to ${page.url()}, expected ${lang.search}?q=… or a result page`);
    }

    // On the hit's page: the next "Comment on this" link (Tab starts from the #fragment target).
    const { focus: link } = await tabTo(
      page,
      `a link matching ${lang.commentLink}`,
      (f) => f.tag === 'a' && lang.commentLink.test(f.text),
      300,
    );
    step(`Tab → ${link.href} "${link.text}"`);
    await pressAndNavigate(page, 'Enter');
    step(`Enter → ${new URL(page.url()).pathname}${new URL(page.url()).search}`);
    if (new URL(page.url()).pathname !== lang.comment) throw new Failure(`the comment link went to ${page.url()}`);

    // The form: body, then publish "no" with the arrow keys, then submit.
    await tabTo(page, 'the comment box (textarea name=body)', (f) => f.tag === 'textarea' && f.name === 'body', 60);
    await page.keyboard.type(COMMENT);
    step('typed the comment');
    let radio = (
      await tabTo(page, 'the publish radios (name=publish)', (f) => f.name === 'publish' && f.type === 'radio', 20)
    ).focus;
    for (let i = 0; i < 4 && radio.value !== 'no'; i++) {
      await page.keyboard.press('ArrowDown');
      radio = await focused(page);
    }
    if (radio.value !== 'no') throw new Failure(`arrow keys did not reach publish "no" (focus on ${describe(radio)})`);
    await page.keyboard.press('Space');
    const chosen = await page.locator('input[name="publish"]:checked').getAttribute('value').catch(() => null);
    if (chosen !== 'no') throw new Failure(`publish "no" is not checked after arrows and Space (checked: ${chosen})`);
    step('chose publish "no" with the arrow keys and Space');
    await tabTo(page, 'the submit button', (f) => f.inCommentForm && (f.type === 'submit' || f.tag === 'button'), 20);
    await pressAndNavigate(page, 'Enter');
    step(`Enter → ${new URL(page.url()).pathname}`);

    // The receipt.
    const h1 = (await page.locator('h1').first().innerText()).trim();
    const body = await page.locator('body').innerText();
    const reference = (body.match(/\bLEDS-[A-Z0-9]{4}-[A-Z0-9]{4}\b/) || [])[0];
    result.receipt = { url: page.url(), h1, reference: reference || null };
    if (h1 !== lang.receipt) throw new Failure(`after sending, the h1 is "${h1}", expected "${lang.receipt}" (at ${page.url()})`);
    if (!reference) throw new Failure(`the receipt shows no reference like LEDS-XXXX-XXXX (at ${page.url()})`);
    if (!body.includes(COMMENT)) throw new Failure(`the receipt does not show the comment typed: "${COMMENT}"`);
    step(`receipt ${reference}`);
  });

  result.failures.push(...errors);
  await browser.close();
}

// ---------------------------------------------------------------------------------------
// reflow

async function reflow(base) {
  const browser = await launch();
  const paths = [
    '/code/sharing.html',
    '/search?q=custody+image',
    '/',
    '/code/aims-matrix.html',
    '/guide/challenge.html',
    '/comment?on=share-lawful-basis',
    '/changes.html',
    '/cy/',
    '/cy/guide/challenge.html',
    '/cy/search?q=plant',
    '/cy/comment?on=guide%2Frespond',
    '/responses',
    '/responses?on=share-lawful-basis',
    '/responses?question=q-sharing',
    '/cy/responses?on=share-lawful-basis',
    '/response/index.html',
    '/cy/response/index.html',
  ];
  result.viewport = { width: 320, height: 640 };
  result.pages = [];
  for (const path of paths) {
    const { page, errors } = await newPage(browser, { viewport: { width: 320, height: 640 }, deviceScaleFactor: 1 });
    const entry = { url: base + path };
    result.pages.push(entry);
    await attempt(path, async () => {
      await open(page, base + path);
      const m = await page.evaluate(() => {
        const innerWidth = window.innerWidth;
        const scrollWidth = document.documentElement.scrollWidth;
        // The outermost elements that stick out on the right, to say what to fix.
        const wide = [];
        if (scrollWidth > innerWidth) {
          for (const e of document.body.querySelectorAll('*')) {
            const r = e.getBoundingClientRect();
            if (r.right > innerWidth + 0.5 && !(e.parentElement && e.parentElement.getBoundingClientRect().right > innerWidth + 0.5)) {
              const sel = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).join('.') : '');
              wide.push(`${sel} (right edge ${Math.round(r.right)}px)`);
              if (wide.length >= 8) break;
            }
          }
        }
        return { innerWidth, scrollWidth, wide };
      });
      Object.assign(entry, m);
      if (m.scrollWidth > m.innerWidth) {
        throw new Failure(`scrolls sideways at 320px: scrollWidth ${m.scrollWidth} > innerWidth ${m.innerWidth}; too wide: ${m.wide.join(', ')}`);
      }
    });
    result.failures.push(...errors);
    await page.context().close();
  }
  await browser.close();
}

// ---------------------------------------------------------------------------------------
// the drafters' analysis pages

async function axeAdmin(base) {
  const token = process.env.ADMIN_TOKEN;
  if (!token) throw new Failure('ADMIN_TOKEN is not set');
  const browser = await launch();
  const paths = ['/admin/', '/admin/groups', '/admin/codes', '/admin/responses', '/admin/responses?code=supports&per=5'];
  // One response's own page: the first response the list links to.
  const listing = await fetch(`${base}/admin/responses`, {
    headers: { authorization: 'Basic ' + Buffer.from(`drafter:${token}`).toString('base64') },
  });
  const own = (await listing.text()).match(/href="(\/admin\/responses\/LEDS-[A-Z0-9-]+)"/);
  if (!own) throw new Failure('/admin/responses links to no response page');
  paths.push(own[1]);
  result.pages = [];
  let violations = 0;
  for (const width of [1280, 320]) {
    const credentials = { username: 'drafter', password: token };
    // The analyst's name, given once with the form and JavaScript off: the decision and
    // coding forms appear. Its cookies then go to the page axe-core runs in.
    const nojs = await newPage(browser, { viewport: { width, height: 900 }, httpCredentials: credentials, javaScriptEnabled: false });
    await attempt(`analyst form at ${width}px`, async () => {
      await open(nojs.page, `${base}/admin/groups`);
      await nojs.page.fill('#analyst-name', 'axe');
      await Promise.all([nojs.page.waitForNavigation(), nojs.page.click('.analyst-form button')]);
      if (!/\/admin\/groups$/.test(nojs.page.url())) throw new Failure(`the analyst form led to ${nojs.page.url()}`);
      if ((await nojs.page.locator('form[action="/admin/groups/split"]').count()) === 0) {
        throw new Failure('no split form once the analyst gave a name');
      }
    });
    const cookies = await nojs.page.context().cookies();
    await nojs.page.context().close();
    const { page, errors } = await newPage(browser, { viewport: { width, height: 900 }, httpCredentials: credentials });
    await page.context().addCookies(cookies);
    for (const path of paths) {
      const entry = { url: base + path, width };
      result.pages.push(entry);
      await attempt(`${path} at ${width}px`, async () => {
        await open(page, base + path);
        Object.assign(entry, await runAxe(page));
        if (entry.passed === 0) throw new Failure('axe-core passed no rule at all: did it run?');
        violations += entry.violations.length;
        for (const v of entry.violations) {
          result.failures.push(
            `${path} at ${width}px: ${v.id} [${v.impact}] ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
          );
        }
        if (width === 320) {
          const m = await page.evaluate(() => ({ inner: window.innerWidth, scroll: document.documentElement.scrollWidth }));
          if (m.scroll > m.inner) throw new Failure(`scrolls sideways at 320px: scrollWidth ${m.scroll} > innerWidth ${m.inner}`);
        }
      });
    }
    result.failures.push(...errors);
    await page.context().close();
  }
  result.violations = violations;
  await browser.close();
}

// ---------------------------------------------------------------------------------------
// signing in, the audit log, signing out

async function accounts(base) {
  const password = process.env.ADMIN_PASSWORD;
  if (!password) throw new Failure('ADMIN_PASSWORD is not set');
  const browser = await launch();
  result.pages = [];
  let violations = 0;
  const check = async (page, label, width) => {
    const entry = { url: page.url(), label, width };
    result.pages.push(entry);
    Object.assign(entry, await runAxe(page));
    if (entry.passed === 0) throw new Failure('axe-core passed no rule at all: did it run?');
    violations += entry.violations.length;
    for (const v of entry.violations) {
      result.failures.push(`${label} at ${width}px: ${v.id} [${v.impact}] ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }
    if (width === 320) {
      const m = await page.evaluate(() => ({ inner: window.innerWidth, scroll: document.documentElement.scrollWidth }));
      if (m.scroll > m.inner) throw new Failure(`${label} scrolls sideways at 320px: scrollWidth ${m.scroll} > innerWidth ${m.inner}`);
    }
  };
  for (const width of [1280, 320]) {
    const { page, errors } = await newPage(browser, { viewport: { width, height: 900 } });
    await attempt(`Welsh sign-in at ${width}px`, async () => {
      await open(page, `${base}/cy/admin/sign-in`);
      await check(page, 'the Welsh sign-in page', width);
    });
    await attempt(`sign-in at ${width}px`, async () => {
      await open(page, `${base}/admin/audit`, 200);
      if (!/\/admin\/sign-in\?back=/.test(page.url())) throw new Failure(`/admin/audit without a session led to ${page.url()}`);
      await check(page, 'the sign-in page', width);
      await tabTo(page, 'the account name field', (f) => f.id === 'field-name');
      await page.keyboard.type('ada');
      await tabTo(page, 'the password field', (f) => f.id === 'field-password', 3);
      await page.keyboard.type(password);
      await pressAndNavigate(page, 'Enter');
      if (!/\/admin\/audit$/.test(page.url())) throw new Failure(`signing in led to ${page.url()}, not back to /admin/audit`);
      await check(page, 'the audit log', width);
      if ((await page.locator('td', { hasText: 'sign-in' }).count()) === 0) throw new Failure('the audit log does not show the sign-in');
    });
    await attempt(`sign-out at ${width}px`, async () => {
      await tabTo(page, 'the sign-out button', (f) => f.tag === 'button' && /Sign out/.test(f.text));
      await pressAndNavigate(page, 'Enter');
      if (!/\/admin\/sign-in\?done=out$/.test(page.url())) throw new Failure(`signing out led to ${page.url()}`);
      await check(page, 'the signed-out page', width);
      await open(page, `${base}/admin/audit`);
      if (!/\/admin\/sign-in/.test(page.url())) throw new Failure('the audit log is still shown after signing out');
    });
    result.failures.push(...errors);
    await page.context().close();
  }
  result.violations = violations;
  await browser.close();
}

// ---------------------------------------------------------------------------------------
// the Code as published

async function axeEdition(base) {
  const browser = await launch();
  const paths = [
    ['/drafts/', 200],
    ['/drafts/0.1/', 200],
    ['/drafts/0.1/code/sharing.html', 200],
    ['/drafts/0.1/changes', 200],
    ['/drafts/0.1/p/no-such-paragraph', 404],
    ['/cy/drafts/', 200],
    ['/cy/drafts/0.1/guide/respond.html', 200],
    ['/cy/parallel/guide/respond.html', 200],
  ];
  result.pages = [];
  let violations = 0;
  for (const width of [1280, 320]) {
    const { page, errors } = await newPage(browser, { viewport: { width, height: 900 }, deviceScaleFactor: 1 });
    for (const [path, status] of paths) {
      const entry = { url: base + path, width };
      result.pages.push(entry);
      await attempt(`${path} at ${width}px`, async () => {
        await open(page, base + path, status);
        Object.assign(entry, await runAxe(page));
        if (entry.passed === 0) throw new Failure('axe-core passed no rule at all: did it run?');
        violations += entry.violations.length;
        for (const v of entry.violations) {
          result.failures.push(
            `${path} at ${width}px: ${v.id} [${v.impact}] ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
          );
        }
        if (width === 320) {
          const m = await page.evaluate(() => ({ inner: window.innerWidth, scroll: document.documentElement.scrollWidth }));
          if (m.scroll > m.inner) throw new Failure(`scrolls sideways at 320px: scrollWidth ${m.scroll} > innerWidth ${m.inner}`);
        }
      });
    }
    result.failures.push(...errors);
    await page.context().close();
  }
  result.violations = violations;
  await browser.close();
}

// ---------------------------------------------------------------------------------------
// journeys as people take them, by keyboard, at both widths

/** axe-core on a page a journey reached, and at 320 pixels no sideways scrolling. */
async function checkReached(page, label, width) {
  const entry = { label, url: page.url(), width };
  (result.pages ||= []).push(entry);
  Object.assign(entry, await runAxe(page));
  if (entry.passed === 0) throw new Failure(`${label}: axe-core passed no rule at all: did it run?`);
  result.violations = (result.violations || 0) + entry.violations.length;
  for (const v of entry.violations) {
    result.failures.push(`${label} at ${width}px (${entry.url}): ${v.id} [${v.impact}] ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }
  if (width === 320) {
    const m = await page.evaluate(() => ({ inner: window.innerWidth, scroll: document.documentElement.scrollWidth }));
    if (m.scroll > m.inner) result.failures.push(`${label} scrolls sideways at 320px: scrollWidth ${m.scroll} > innerWidth ${m.inner}`);
  }
}

/** Runs `journey(page, width, step)` at 1280 and at 320 pixels, each in a fresh context. */
async function atBothWidths(options, journey) {
  const browser = await launch();
  result.steps = [];
  for (const width of [1280, 320]) {
    const { page, errors } = await newPage(browser, { viewport: { width, height: 900 }, deviceScaleFactor: 1, ...options });
    const step = (s) => result.steps.push(`${width}px: ${s}`);
    await attempt(`at ${width}px`, () => journey(page, width, step));
    result.failures.push(...errors);
    await page.context().close();
  }
  await browser.close();
}

/** Tabs to the radio group `name` and chooses `value` with the arrow keys and Space. */
async function chooseRadio(page, name, value) {
  let radio = (await tabTo(page, `the ${name} radios`, (f) => f.name === name && f.type === 'radio', 30)).focus;
  for (let i = 0; i < 4 && radio.value !== value; i++) {
    await page.keyboard.press('ArrowDown');
    radio = await focused(page);
  }
  if (radio.value !== value) throw new Failure(`arrow keys did not reach ${name} "${value}" (focus on ${describe(radio)})`);
  await page.keyboard.press('Space');
  const chosen = await page.locator(`input[name="${name}"]:checked`).getAttribute('value').catch(() => null);
  if (chosen !== value) throw new Failure(`${name} "${value}" is not checked after arrows and Space (checked: ${chosen})`);
}

/** Tabs to the select `id` and chooses an option by typing its first letters. */
async function chooseOption(page, id, typed, value) {
  await tabTo(page, `the list #${id}`, (f) => f.id === id, 200);
  await page.keyboard.type(typed);
  const chosen = await page.locator(`#${id}`).inputValue();
  if (chosen !== value) throw new Failure(`typing "${typed}" in #${id} chose "${chosen}", not "${value}"`);
}

/** Where the public should be sent for their own record. */
const ROUTES = /^https:\/\/(www\.acro\.police\.uk|ico\.org\.uk|www\.policeconduct\.gov\.uk)\//;

async function journeyRoute(base) {
  await atBothWidths({}, async (page, width, step) => {
    await open(page, `${base}/`);
    await checkReached(page, 'the start page', width);
    await tabTo(page, 'the header search box (#search-q)', (f) => f.id === 'search-q', 15);
    await page.keyboard.type('how do I get my record deleted');
    await pressAndNavigate(page, 'Enter');
    step(`searched → ${new URL(page.url()).pathname}${new URL(page.url()).search}`);
    if (new URL(page.url()).pathname !== '/search') throw new Failure(`the search went to ${page.url()}`);
    await checkReached(page, 'the search results', width);
    const { focus: hit } = await tabTo(page, 'the first search result', (f) => f.tag === 'a' && f.inResults);
    step(`Tab → first result ${hit.href} "${hit.text}"`);
    await pressAndNavigate(page, 'Enter');
    const reached = new URL(page.url());
    step(`Enter → ${reached.pathname}${reached.hash}`);
    if (!reached.pathname.startsWith('/guide/')) throw new Failure(`the first result is ${page.url()}, not the guide`);
    await checkReached(page, 'the guide page', width);
    const { focus: route } = await tabTo(page, 'a link to a real route (ACRO, the ICO, the IOPC)', (f) => f.tag === 'a' && ROUTES.test(f.href), 200);
    step(`Tab → ${route.href} "${route.text}"`);
    if (!route.href.startsWith('https://www.acro.police.uk/')) {
      throw new Failure(`the first route from the deletion answer is ${route.href}, not ACRO's Record Deletion Process`);
    }
  });
}

/** A question's chapter and what the journey expects, per language. */
const QUESTIONS = {
  en: { chapter: '/code/sharing.html', question: 'q-sharing', link: /^Answer this question/, receipt: 'Comment received', attributed: "Your organisation's name: A Charity" },
  cy: { chapter: '/cy/guide/why-leds.html', question: 'q-guide', link: /^Ateb y cwestiwn hwn/, receipt: 'Sylw wedi dod i law', attributed: 'Enw eich sefydliad: A Charity' },
};

async function journeyQuestion(base) {
  await atBothWidths({}, async (page, width, step) => {
    for (const [lang, q] of Object.entries(QUESTIONS)) {
      await open(page, base + q.chapter);
      await checkReached(page, `${lang} chapter`, width);
      const { focus: link } = await tabTo(page, `a link matching ${q.link}`, (f) => f.tag === 'a' && q.link.test(f.text), 300);
      step(`${lang}: Tab → ${link.href} "${link.text}"`);
      await pressAndNavigate(page, 'Enter');
      const chosen = await page.locator('select[name="question"]').inputValue();
      if (chosen !== q.question) throw new Failure(`${lang}: the form opened with question "${chosen}", not "${q.question}"`);
      await checkReached(page, `${lang} form`, width);
      await tabTo(page, 'the comment box', (f) => f.tag === 'textarea' && f.name === 'body', 80);
      await page.keyboard.type('We answer for our members: the safeguards should name every recipient.');
      await chooseRadio(page, 'respondent_type', 'organisation');
      await tabTo(page, 'the organisation field', (f) => f.name === 'organisation', 5);
      await page.keyboard.type('A Charity');
      await chooseRadio(page, 'publish', 'yes');
      await chooseRadio(page, 'attribution', 'organisation');
      await tabTo(page, 'the submit button', (f) => f.inCommentForm && f.type === 'submit', 10);
      await pressAndNavigate(page, 'Enter');
      const h1 = (await page.locator('h1').first().innerText()).trim();
      step(`${lang}: sent → ${new URL(page.url()).pathname} "${h1}"`);
      if (h1 !== q.receipt) throw new Failure(`${lang}: after sending, the h1 is "${h1}", not "${q.receipt}" (at ${page.url()})`);
      const body = await page.locator('body').innerText();
      if (!body.includes(q.attributed)) throw new Failure(`${lang}: the receipt does not say "${q.attributed}"`);
      await checkReached(page, `${lang} receipt`, width);
    }
  });
}

async function journeyDrafter(base) {
  const token = process.env.ADMIN_TOKEN;
  const references = (process.env.RESPONSES || '').split(/\s+/).filter(Boolean);
  if (!token || references.length < 2) throw new Failure('ADMIN_TOKEN and two references in RESPONSES are needed');
  await atBothWidths({ httpCredentials: { username: 'drafter', password: token } }, async (page, width, step) => {
    const own = `${base}/admin/responses/${references.shift()}`;
    await open(page, own);
    await checkReached(page, "a response's own page", width);
    // No short name yet: the page asks for it where the coding goes.
    await tabTo(page, 'the short-name field', (f) => f.id === 'analyst-name', 200);
    await page.keyboard.type('ann');
    await pressAndNavigate(page, 'Enter');
    if (page.url() !== own) throw new Failure(`giving a short name led to ${page.url()}, not back to ${own}`);
    step('gave the short name "ann"');
    await chooseOption(page, 'add-code', 'supports', 'supports');
    await tabTo(page, 'the Add button', (f) => f.tag === 'button' && f.text === 'Add', 3);
    await pressAndNavigate(page, 'Enter');
    if ((await page.locator('.tag-list li', { hasText: 'supports' }).count()) === 0) throw new Failure('the code "supports" is not on the page after adding it');
    step('coded it "supports"');
    await checkReached(page, 'the response page, coded', width);
    await chooseOption(page, 'status', 'Published', 'published');
    await tabTo(page, 'the status button', (f) => f.tag === 'button' && /^Change the status/.test(f.text), 3);
    await pressAndNavigate(page, 'Enter');
    if (page.url() !== own) throw new Failure(`publishing led to ${page.url()}, not back to ${own}`);
    const status = await page.locator('dt:text-is("Status") + dd').innerText();
    if (!/^Published/.test(status)) throw new Failure(`the status reads "${status}" after publishing`);
    step('published it');
    await checkReached(page, 'the response page, published', width);
  });
}

// ---------------------------------------------------------------------------------------

try {
  await SCENARIOS[scenario](BASE);
  finish(0);
} catch (e) {
  result.failures.push(`${e.name}: ${e.message}`);
  finish(1);
}
