// CmNameServer's web view: the process list, the graph of who sends to
// whom, a search box and a process's info, refreshed every `refresh` ms from
// the name server's JSON API.  window.cmView is for the browser tests.
import * as api from './api.js';
import { Graph } from './graph.js';
import { InfoPanel } from './info.js';
import { ProcessList } from './list.js';
import { bytesKey, shown } from './texts.js';

const $ = (id) => document.getElementById(id);

const view = {
  refreshes: 0,          // completed refreshes
  firstDrawnMs: null,    // from the navigation's start to the first refresh drawn
  lastRefreshMs: null,   // how long the last refresh took (fetch + draw)
  error: null,           // the last refresh's failure, if it failed
};
window.cmView = view;

async function start() {
  const about = await api.about();
  $('domain').textContent = about.domain;
  document.title = 'Cm domain ' + about.domain;
  $('key-box').hidden = !(about.allow_kill && about.secret);
  const refreshMs = Number(new URLSearchParams(location.search).get('refresh')) || about.refresh_ms || 2000;

  let names = [];
  let reports = new Map();       // bytes key -> info
  let searchText = '';
  const searchable = new Map();  // bytes key -> lower-case text the search box looks in
  const keep = (key) => !searchText || (searchable.get(key) || '').includes(searchText);

  const panel = new InfoPanel({ panel: $('info'), title: $('info-title'), table: $('info-table'),
    note: $('info-note'), kill: $('kill'), result: $('kill-result') }, about, $('key'));
  const select = (key) => {
    const n = names.find((x) => bytesKey(x.name) === key);
    if (!n) return;
    list.select(key);
    graph.select(key);
    panel.show(n.name);
  };
  const list = new ProcessList($('rows'), select);
  const graph = new Graph($('graph'), select);
  view.graph = graph;
  view.drawn = () => graph.drawn();

  $('search').addEventListener('input', () => {
    searchText = $('search').value.trim().toLowerCase();
    list.filter(keep);
    graph.filter(keep);
  });

  // Messages per second on each edge, over the last few seconds: processes
  // report their counts once a second, so two refreshes close together may
  // see no change on a busy edge.
  const kRateWindowMs = 5000;
  let history = [];  // [{at, counts: edge id -> messages}], oldest first
  const rates = new Map();

  async function refresh() {
    const t0 = performance.now();
    try {
      // A name server before 1.1 has no reports: the list then shows names only.
      const [n, c, r] = await Promise.all([api.names(), api.connects(), api.reports().catch(() => [])]);
      names = n;
      reports = new Map(r.map((report) => [bytesKey(report.info.name), report.info]));
      searchable.clear();
      for (const x of names) {
        const info = reports.get(bytesKey(x.name));
        const types = info && info.handler_types ? info.handler_types.map(shown).join(' ') : '';
        searchable.set(bytesKey(x.name), [shown(x.name), shown(x.host), String(x.pid), types].join(' ').toLowerCase());
      }
      const now = performance.now(), counts = new Map();
      for (const connect of c) counts.set(Graph.edgeId(connect), connect.messages);
      history = history.filter((h) => now - h.at <= kRateWindowMs);
      const since = history[0];
      rates.clear();
      if (since)
        for (const [id, messages] of counts)
          if (since.counts.has(id)) rates.set(id, Math.max(0, messages - since.counts.get(id)) * 1000 / (now - since.at));
      history.push({ at: now, counts });
      list.update(names, reports, keep);
      graph.update(names, c, rates);
      graph.filter(keep);
      view.error = null;
      $('status').textContent = `${names.length} processes, ${c.length} links, ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      view.error = error.message;
      $('status').textContent = 'name server not answering: ' + error.message;
    }
    view.lastRefreshMs = performance.now() - t0;
    view.refreshes += 1;
    if (view.firstDrawnMs === null && !view.error) view.firstDrawnMs = performance.now();
    setTimeout(refresh, refreshMs);
  }
  refresh();
}

start().catch((error) => {
  view.error = error.message;
  $('status').textContent = 'cannot reach the name server: ' + error.message;
});
