/* OmniTrack progressive enhancement. Loaded with `defer`; every feature is a
 * no-op when its markup is absent. No inline scripts, no dependencies. */
(function () {
  'use strict';
  var d = document;
  d.documentElement.classList.add('js');

  function sameOrigin(url) {
    try { return new URL(url, location.href).origin === location.origin; } catch (_) { return false; }
  }
  /* 1. data-confirm on buttons/links (click) and on forms (submit). */
  var confirmedForm = null;
  d.addEventListener('click', function (e) {
    var el = e.target.closest && e.target.closest('[data-confirm]:not(form)');
    if (!el) return;
    if (!window.confirm(el.getAttribute('data-confirm'))) {
      e.preventDefault();
      e.stopImmediatePropagation();
    } else if (el.form && el.type === 'submit') {
      confirmedForm = el.form; // don't ask a second time for the form itself
    }
  }, true);

  /* 1 + 5. Form-level confirm, then data-once double-submit protection. */
  d.addEventListener('submit', function (e) {
    var form = e.target;
    var msg = form.getAttribute('data-confirm');
    var skip = confirmedForm === form;
    confirmedForm = null;
    if (msg && !skip && !window.confirm(msg)) { e.preventDefault(); return; }
    if (e.defaultPrevented || !form.hasAttribute('data-once')) return;
    // Defer so the clicked button's name=value is still part of the submission.
    setTimeout(function () {
      form.querySelectorAll('button:not([type="button"]):not([type="reset"]), input[type="submit"]')
        .forEach(function (b) {
          if (b.disabled) return;
          b.disabled = true;
          b.setAttribute('aria-busy', 'true');
          b.setAttribute('data-once-disabled', '');
        });
    }, 0);
    // Still on this page much later (download, network error)? Allow a retry.
    setTimeout(function () { reenable(form); }, 15000);
  });
  function reenable(root) {
    root.querySelectorAll('[data-once-disabled]').forEach(function (b) {
      b.disabled = false;
      b.removeAttribute('aria-busy');
      b.removeAttribute('data-once-disabled');
    });
  }
  // Back/forward cache restores the page with buttons still disabled.
  window.addEventListener('pageshow', function (e) { if (e.persisted) reenable(d); });

  /* 2. Auto-refresh fragments: <div id="x" data-autorefresh="30" data-src="/url">. */
  d.querySelectorAll('[data-autorefresh][data-src]').forEach(function (el) {
    var secs = parseInt(el.getAttribute('data-autorefresh'), 10);
    var src = el.getAttribute('data-src');
    if (!(secs > 0) || !el.id || !sameOrigin(src)) return;
    var busy = false, last = Date.now();
    function refresh() {
      if (d.hidden || busy) return;
      var a = d.activeElement;
      if (a && el.contains(a) && /^(INPUT|SELECT|TEXTAREA)$/.test(a.tagName)) return; // user is typing
      busy = true;
      fetch(src, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById(el.id);
          if (fresh) el.innerHTML = fresh.innerHTML;
          last = Date.now();
        })
        .catch(function () { /* keep stale content; retry next tick */ })
        .then(function () { busy = false; });
    }
    setInterval(refresh, Math.max(secs, 2) * 1000);
    d.addEventListener('visibilitychange', function () {
      if (!d.hidden && Date.now() - last >= secs * 1000) refresh();
    });
  });

  /* 3. Kiosk idle reset: <body class="kiosk" data-reset-after="60" data-reset-url="/kiosk">. */
  var body = d.body;
  if (body && body.classList.contains('kiosk')) {
    var after = parseInt(body.getAttribute('data-reset-after'), 10);
    var resetUrl = body.getAttribute('data-reset-url');
    if (after > 0 && resetUrl && sameOrigin(resetUrl)) {
      var timer, touched = false;
      var target = new URL(resetUrl, location.href);
      var atTarget = target.pathname + target.search === location.pathname + location.search;
      var arm = function (e) {
        if (e) touched = true;
        clearTimeout(timer);
        timer = setTimeout(function () {
          // Idle on the start screen with nothing entered: nothing to reset.
          if (atTarget && !touched) return;
          location.replace(target.href);
        }, after * 1000);
      };
      ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart'].forEach(function (t) {
        d.addEventListener(t, arm, { capture: true, passive: true });
      });
      arm();
    }
  }

  /* 4. Copy to clipboard: <button type="button" data-copy="#token">Copy</button>. */
  var live = null;
  function announce(text) {
    if (!live) {
      live = d.createElement('span');
      live.className = 'sr-only';
      live.setAttribute('role', 'status');
      body.appendChild(live);
    }
    live.textContent = '';
    setTimeout(function () { live.textContent = text; }, 50);
  }
  function flash(btn, text) {
    if (!btn.hasAttribute('data-copy-label')) btn.setAttribute('data-copy-label', btn.textContent);
    btn.textContent = text;
    announce(text);
    clearTimeout(btn._otCopyTimer);
    btn._otCopyTimer = setTimeout(function () {
      btn.textContent = btn.getAttribute('data-copy-label');
      btn.removeAttribute('data-copy-label');
    }, 2000);
  }
  function legacyCopy(src) {
    var range = d.createRange(), sel = window.getSelection();
    range.selectNodeContents(src);
    sel.removeAllRanges();
    sel.addRange(range);
    try { return d.execCommand('copy'); } catch (_) { return false; }
  }
  d.querySelectorAll('button[data-copy][hidden]').forEach(function (b) { b.hidden = false; });
  d.addEventListener('click', function (e) {
    var btn = e.target.closest && e.target.closest('button[data-copy]');
    if (!btn) return;
    e.preventDefault();
    var src = null;
    try { src = d.querySelector(btn.getAttribute('data-copy')); } catch (_) { /* bad selector */ }
    if (!src) return;
    var text = ('value' in src && typeof src.value === 'string' ? src.value : src.textContent).trim();
    var fallback = function () { flash(btn, legacyCopy(src) ? 'Copied' : 'Press Ctrl+C'); };
    if (!navigator.clipboard || !window.isSecureContext) return fallback();
    navigator.clipboard.writeText(text).then(function () { flash(btn, 'Copied'); }, fallback);
  });

  /* 6. Narrow screens: the main navigation folds behind its Menu button (style.css shows
   *    it unfolded on wide screens; without JS it is always unfolded). */
  var toggle = d.querySelector('button.nav-toggle[aria-controls]');
  var siteNav = toggle && d.getElementById(toggle.getAttribute('aria-controls'));
  if (siteNav) {
    toggle.hidden = false;
    d.documentElement.classList.add('nav-folds');
    toggle.addEventListener('click', function () {
      var open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
      siteNav.classList.toggle('open', open);
    });
  }
})();
