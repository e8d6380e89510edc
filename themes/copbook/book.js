/* copbook theme: progressive enhancement only; every page works without it.
   - narrow screens: the "Contents" link becomes a button opening the contents panel;
   - wide tables that scroll get a keyboard-focusable, labelled region;
   - the header search box suggests results as you type (GET /api/search). */
(function () {
  'use strict';
  var d = document;
  d.documentElement.className += ' js';
  // The few words this script writes, in the page's language (the server's own words come
  // from the message catalogue in src/i18n/locales; these mirror them).
  var welsh = d.documentElement.lang === 'cy';
  var words = welsh ? {
    contents: 'Cynnwys', table: 'Tabl', scrolls: ' (yn sgrolio i’r ochr)', suggestions: 'Awgrymiadau chwilio',
    code: 'Y Cod', guide: 'Y canllaw cyhoeddus', none: 'Dim awgrymiadau. Pwyswch Enter i chwilio.',
    all: function (n, q) { return 'Gweld pob un o’r ' + n + ' canlyniad ar gyfer “' + q + '”'; },
    count: function (n) { return n + ' canlyniad'; }, shown: function (n) { return ', ' + n + ' i’w gweld'; },
    arrows: '. Defnyddiwch y bysellau saeth i fyny ac i lawr i ddewis un.'
  } : {
    contents: 'Contents', table: 'Table', scrolls: ' (scrolls sideways)', suggestions: 'Search suggestions',
    code: 'The Code', guide: 'Public guide', none: 'No suggestions. Press Enter to search.',
    all: function (n, q) { return 'See all ' + n + (n === 1 ? ' result' : ' results') + ' for “' + q + '”'; },
    count: function (n) { return n + (n === 1 ? ' result' : ' results'); }, shown: function (n) { return ', ' + n + ' shown'; },
    arrows: '. Use the up and down arrow keys to choose one.'
  };

  // ---- Contents ----
  var toc = d.getElementById('toc');
  if (toc) {
    // Stock mdBook (without the copbook preprocessor) gives chapter paths ending in .md.
    toc.querySelectorAll('a[href$=".md"]').forEach(function (a) {
      a.setAttribute('href', a.getAttribute('href').replace(/\.md$/, '.html'));
    });
    // A big book's compact navigation comes at the end of the text: move it into the sidebar.
    var local = d.querySelector('main .local-nav');
    if (local) toc.appendChild(local);
    // Put the contents before the text so the reading order matches the wide layout.
    var pageMain = d.querySelector('.page-main');
    if (pageMain) pageMain.parentNode.insertBefore(toc, pageMain);
    var jump = d.querySelector('.contents-link');
    var toggle = d.createElement('button');
    toggle.type = 'button';
    toggle.className = 'contents-toggle';
    toggle.textContent = words.contents;
    toggle.setAttribute('aria-expanded', 'false');
    toggle.setAttribute('aria-controls', 'toc');
    if (jump) jump.parentNode.replaceChild(toggle, jump);
    var openToc = function (open) {
      toggle.setAttribute('aria-expanded', String(open));
      d.body.classList.toggle('toc-open', open);
    };
    toggle.addEventListener('click', function () {
      openToc(toggle.getAttribute('aria-expanded') !== 'true');
    });
    d.addEventListener('click', function (e) {
      if (e.target.closest && e.target.closest('a[href="#toc"]')) openToc(true);
    });
    var current = toc.querySelector('[aria-current="page"]');
    // A long contents list scrolls inside the sticky sidebar: bring the current page into view.
    if (current && current.offsetTop + current.offsetHeight > toc.clientHeight) {
      toc.scrollTop = current.offsetTop - toc.clientHeight / 3;
    }
  }

  // ---- Scrolling tables ----
  d.querySelectorAll('.table-wrapper').forEach(function (w) {
    if (w.scrollWidth <= w.clientWidth + 1) return;
    var caption = w.querySelector('caption');
    w.tabIndex = 0;
    w.setAttribute('role', 'region');
    w.setAttribute('aria-label', (caption ? caption.textContent : words.table) + words.scrolls);
  });

  // ---- Search as you type ----
  var input = d.getElementById('search-q');
  if (!input || !input.form || !window.fetch) return;
  var form = input.form;
  var list = d.createElement('ul');
  list.id = 'search-suggest';
  list.className = 'search-suggest';
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', words.suggestions);
  list.hidden = true;
  input.parentNode.appendChild(list);
  var status = d.createElement('div');
  status.className = 'visually-hidden';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  form.appendChild(status);
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', list.id);

  var timer, ctrl, seq = 0, active = -1, broken = false;
  var partNames = { code: words.code, guide: words.guide };

  function options() { return list.querySelectorAll('[role="option"]'); }
  function show() { list.hidden = false; input.setAttribute('aria-expanded', 'true'); }
  function close() { select(-1); list.hidden = true; input.setAttribute('aria-expanded', 'false'); }
  function select(i) {
    var opts = options();
    if (opts[active]) opts[active].setAttribute('aria-selected', 'false');
    if (i < -1) i = opts.length - 1;
    if (i >= opts.length) i = -1;
    active = i;
    if (i < 0) { input.removeAttribute('aria-activedescendant'); return; }
    opts[i].setAttribute('aria-selected', 'true');
    input.setAttribute('aria-activedescendant', opts[i].id);
    opts[i].scrollIntoView({ block: 'nearest' });
  }
  function option(href) {
    var li = d.createElement('li'), a = d.createElement('a');
    li.setAttribute('role', 'none');
    a.id = 'search-opt-' + list.children.length;
    a.href = href;
    a.tabIndex = -1;
    a.setAttribute('role', 'option');
    a.setAttribute('aria-selected', 'false');
    li.appendChild(a);
    list.appendChild(li);
    return a;
  }
  function span(parent, cls, text) {
    var s = d.createElement('span');
    s.className = cls;
    s.textContent = text;
    parent.appendChild(s);
    return s;
  }
  function render(q, data) {
    list.textContent = '';
    active = -1;
    input.removeAttribute('aria-activedescendant'); // the old options are gone
    var hits = Array.isArray(data.hits) ? data.hits : [];
    var total = typeof data.total === 'number' ? data.total : hits.length;
    hits.forEach(function (h) {
      // Only site-absolute links ("/code/x.html#id"); anything else is ignored.
      if (typeof h.url !== 'string' || !/^\/(?!\/)/.test(h.url)) return;
      var a = option(h.url);
      span(a, 'suggest-title', (h.number ? h.number + ' ' : '') + (h.title || ''));
      if (partNames[h.part]) span(a, 'suggest-meta', partNames[h.part]);
      if (h.snippet) span(a, 'suggest-snippet', '').innerHTML = h.snippet; // server-made safe HTML
    });
    var shown = options().length;
    if (!shown) {
      close();
      status.textContent = words.none;
      return;
    }
    var all = option((form.getAttribute('action') || '/search') + '?q=' + encodeURIComponent(q));
    all.className = 'suggest-all';
    all.textContent = words.all(total, q);
    show();
    status.textContent = words.count(total) + (total > shown ? words.shown(shown) : '') + words.arrows;
  }
  function lookup() {
    var q = input.value.trim();
    if (ctrl) ctrl.abort();
    if (broken || q.length < 2) { list.textContent = ''; close(); status.textContent = ''; return; }
    var mine = ++seq;
    ctrl = window.AbortController ? new AbortController() : null;
    fetch('/api/search?q=' + encodeURIComponent(q) + '&limit=8' + (d.documentElement.lang === 'cy' ? '&lang=cy' : ''), {
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
      signal: ctrl ? ctrl.signal : undefined
    }).then(function (r) {
      if (!r.ok) throw r.status;
      return r.json();
    }).then(function (data) {
      if (mine === seq && input.value.trim() === q) render(q, data || {});
    }).catch(function (e) {
      if (e && e.name === 'AbortError') return;
      // No server here (static hosting, file://): stop trying; the form still submits.
      if (typeof e !== 'number' || e === 404 || e === 405) broken = true;
      if (mine === seq) close();
    });
  }

  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(lookup, 150);
  });
  input.addEventListener('keydown', function (e) {
    var open = !list.hidden;
    if (e.key === 'ArrowDown' || e.key === 'Down') {
      if (!options().length) return;
      e.preventDefault();
      if (!open) show();
      select(active + 1);
    } else if (e.key === 'ArrowUp' || e.key === 'Up') {
      if (!open) return;
      e.preventDefault();
      select(active - 1);
    } else if (e.key === 'Enter') {
      var chosen = open && options()[active];
      if (chosen) { e.preventDefault(); window.location.href = chosen.href; }
    } else if (e.key === 'Escape' || e.key === 'Esc') {
      if (open) { e.preventDefault(); close(); }
    }
  });
  input.addEventListener('blur', function () { setTimeout(close, 150); });
  list.addEventListener('mousedown', function (e) { e.preventDefault(); }); // keep focus in the box
  form.addEventListener('submit', close);
})();

// A form that came back with errors: move focus to its summary, so keyboard and screen
// reader users land on the list of problems.
(function () {
  'use strict';
  var summary = document.querySelector('.error-summary');
  if (summary) { summary.focus(); }
  // ---- Language switch: keep the reader's place (sections share ids across languages).
  document.querySelectorAll('.language-switch a').forEach(function (a) {
    a.addEventListener('click', function () {
      var href = a.getAttribute('href');
      if (location.hash && href.indexOf('#') < 0) a.setAttribute('href', href + location.hash);
    });
  });
})();
