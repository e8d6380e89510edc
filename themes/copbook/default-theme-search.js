// copbook's search for books that use mdBook's default theme.
//
// The build puts a search link (#mdbook-search-toggle, to /search) in the menu bar of
// every page; this script makes it, and the theme's `s` and `/` keys, open a search bar
// under the menu bar whose results come from /api/search. Without this script the link
// still leads to the search page. Result snippets are HTML the server has escaped (only
// <mark> is added); titles and trails are set as text.
(function () {
    'use strict';
    var toggle = document.getElementById('mdbook-search-toggle');
    var menuBar = document.getElementById('mdbook-menu-bar');
    if (!toggle || !menuBar) {
        return;
    }

    var wrapper = document.createElement('div');
    wrapper.id = 'mdbook-search-wrapper';
    wrapper.className = 'hidden';
    var form = document.createElement('form');
    form.id = 'mdbook-searchbar-outer';
    form.className = 'searchbar-outer';
    form.action = '/search';
    form.method = 'get';
    form.setAttribute('role', 'search');
    var box = document.createElement('div');
    box.className = 'search-wrapper';
    var input = document.createElement('input');
    input.type = 'search';
    input.id = 'mdbook-searchbar';
    input.name = 'q';
    input.placeholder = 'Search this book …';
    input.autocomplete = 'off';
    input.setAttribute('aria-label', 'Search this book');
    input.setAttribute('aria-controls', 'mdbook-searchresults-outer');
    input.setAttribute('aria-describedby', 'mdbook-searchresults-header');
    box.appendChild(input);
    form.appendChild(box);
    var outer = document.createElement('div');
    outer.id = 'mdbook-searchresults-outer';
    outer.className = 'searchresults-outer hidden';
    var header = document.createElement('div');
    header.id = 'mdbook-searchresults-header';
    header.className = 'searchresults-header';
    header.setAttribute('role', 'status');
    var list = document.createElement('ul');
    list.id = 'mdbook-searchresults';
    outer.appendChild(header);
    outer.appendChild(list);
    wrapper.appendChild(form);
    wrapper.appendChild(outer);
    menuBar.insertAdjacentElement('afterend', wrapper);

    toggle.setAttribute('aria-controls', 'mdbook-search-wrapper');
    toggle.setAttribute('aria-expanded', 'false');
    toggle.setAttribute('role', 'button');

    // The theme's chapter navigation asks this before acting on arrow keys.
    window.search = window.search || {};
    window.search.hasFocus = function () {
        return document.activeElement === input;
    };

    function isOpen() {
        return !wrapper.classList.contains('hidden');
    }

    function open() {
        wrapper.classList.remove('hidden');
        toggle.setAttribute('aria-expanded', 'true');
        input.focus();
        input.select();
    }

    function close() {
        wrapper.classList.add('hidden');
        toggle.setAttribute('aria-expanded', 'false');
        toggle.focus();
    }

    toggle.addEventListener('click', function (e) {
        e.preventDefault();
        if (isOpen()) {
            close();
        } else {
            open();
        }
    });

    function typing(target) {
        var tag = target && target.tagName;
        return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' ||
            (target && target.isContentEditable);
    }

    document.addEventListener('keydown', function (e) {
        if (e.altKey || e.ctrlKey || e.metaKey) {
            return;
        }
        if (e.key === 'Escape' && isOpen()) {
            e.preventDefault();
            close();
            return;
        }
        if ((e.key === 's' || e.key === 'S' || e.key === '/') && !typing(e.target)) {
            e.preventDefault();
            open();
        }
    });

    var timer = null;
    var latest = 0;

    function show(query, data) {
        list.textContent = '';
        var hits = data.hits || [];
        if (hits.length === 0) {
            header.textContent = 'No results for “' + query + '”';
        } else {
            header.textContent = data.total + (data.total === 1 ? ' result' : ' results') +
                ' for “' + query + '”';
        }
        hits.forEach(function (hit) {
            var item = document.createElement('li');
            var link = document.createElement('a');
            link.href = hit.url;
            link.textContent = hit.title;
            item.appendChild(link);
            if (hit.breadcrumb) {
                var trail = document.createElement('span');
                trail.className = 'breadcrumbs';
                trail.textContent = ' ' + hit.breadcrumb;
                item.appendChild(trail);
            }
            var teaser = document.createElement('span');
            teaser.className = 'teaser';
            teaser.innerHTML = hit.snippet;
            item.appendChild(teaser);
            list.appendChild(item);
        });
        outer.classList.remove('hidden');
    }

    function run() {
        var query = input.value.trim();
        if (query === '') {
            outer.classList.add('hidden');
            list.textContent = '';
            return;
        }
        var ticket = ++latest;
        fetch('/api/search?limit=20&q=' + encodeURIComponent(query), {
            headers: { Accept: 'application/json' }
        })
            .then(function (res) {
                if (!res.ok) {
                    throw new Error('search failed: ' + res.status);
                }
                return res.json();
            })
            .then(function (data) {
                if (ticket === latest) {
                    show(query, data);
                }
            })
            .catch(function () {
                if (ticket === latest) {
                    header.textContent = 'Search is not available; press Enter for the search page.';
                    outer.classList.remove('hidden');
                }
            });
    }

    input.addEventListener('input', function () {
        clearTimeout(timer);
        timer = setTimeout(run, 150);
    });
})();
