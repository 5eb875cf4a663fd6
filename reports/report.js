// Filters for the case list of an smtp-auth-harness report. Plain DOM, no libraries, and no
// innerHTML anywhere: the page only reads data attributes and toggles `hidden`, so server
// text (already escaped into the page) is never parsed as markup again.
(function () {
  'use strict';
  var scriptStart = performance.now();
  var list = document.getElementById('cases');
  if (!list) return;
  var cases = Array.prototype.slice.call(list.querySelectorAll('details.case'));
  var byId = function (id) { return document.getElementById(id); };
  var verdict = byId('f-verdict'), area = byId('f-area'), mech = byId('f-mech'), text = byId('f-text');
  var shown = byId('shown');
  var PROBLEMS = { fail: 1, crash: 1, timeout: 1, error: 1 };
  var haystacks = cases.map(function (c) {
    return (c.dataset.search || '').toLowerCase();
  });

  function matchesVerdict(c, want) {
    if (want === '') return true;
    if (want === 'problems') return PROBLEMS.hasOwnProperty(c.dataset.verdict);
    if (want === 'fail-critical') return c.dataset.verdict === 'fail' && c.dataset.sev === 'critical';
    return c.dataset.verdict === want;
  }

  function apply() {
    var v = verdict.value, a = area.value, m = mech.value;
    var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
    var visible = 0;
    for (var i = 0; i < cases.length; i++) {
      var c = cases[i];
      var ok = matchesVerdict(c, v) && (a === '' || c.dataset.area === a) &&
               (m === '' || c.dataset.mech === m);
      for (var w = 0; ok && w < words.length; w++) ok = haystacks[i].indexOf(words[w]) !== -1;
      if (c.hidden === ok) c.hidden = !ok;
      if (ok) visible++;
    }
    shown.textContent = visible + ' of ' + cases.length + ' cases shown';
    return visible;
  }

  [verdict, area, mech].forEach(function (el) { el.addEventListener('change', apply); });
  text.addEventListener('input', apply);

  // The fragment carries a view: #verdict=fail&area=auth&mech=PLAIN&text=b64&open=<case id>
  // (shareable links to a filtered report), or #case-<id> (a link to one case, opened).
  // #selftest&… is the same view for the headless browser test and the 10k benchmark: it also
  // writes what it saw into data attributes of <body>, which a DOM dump shows.
  function hashParams() {
    var params = {};
    location.hash.slice(1).split('&').forEach(function (kv) {
      var i = kv.indexOf('=');
      if (i > 0) {
        try { params[kv.slice(0, i)] = decodeURIComponent(kv.slice(i + 1)); } catch (e) { /* malformed: ignored */ }
      }
    });
    return params;
  }

  function applyHash() {
    var h = location.hash.slice(1);
    if (h.indexOf('case-') === 0) {
      var target = document.getElementById(decodeURIComponent(h));
      if (target && target.tagName === 'DETAILS') target.open = true;
      return apply();
    }
    var p = hashParams();
    if (p.verdict !== undefined) verdict.value = p.verdict;
    if (p.area !== undefined) area.value = p.area;
    if (p.mech !== undefined) mech.value = p.mech;
    if (p.text !== undefined) text.value = p.text;
    if (p.open !== undefined) {
      var c = document.getElementById('case-' + p.open);
      if (c && c.tagName === 'DETAILS') c.open = true;
    }
    return apply();
  }
  window.addEventListener('hashchange', applyHash);

  var loadMs = performance.now();
  var t0 = performance.now();
  var visible = applyHash();
  var filterMs = performance.now() - t0;
  if (location.hash.indexOf('#selftest') === 0) {
    var b = document.body.dataset;
    b.selftestTotal = String(cases.length);
    b.selftestVisible = String(visible);
    b.selftestLoadMs = loadMs.toFixed(1);
    b.selftestScriptMs = (loadMs - scriptStart).toFixed(1);
    b.selftestFilterMs = filterMs.toFixed(1);
    b.selftest = 'done';
  }
})();
