// scale_test.js -- the web view with 500 real processes (scale.web_500, in
// the "scale" configuration): the processes of compat-tests/scale (a
// collector, COUNT members each sending it one Hello), then a headless
// chromium loads the page.  Checks that every process and every edge is
// drawn, that the search still filters and that a process killed -9 leaves
// the page; prints how long drawing took (bench/BENCHMARKS.md, "Web view"):
// nothing fails for being slow.
//
//   node scale_test.js BIN_DIR NODE_MODULES [COUNT]
'use strict';
const path = require('path');
const { Domain, check, drawn, launchBrowser, run, waitFor } = require('./lib.js');

const [bin, nodeModules, countText] = process.argv.slice(2);
const count = Number(countText || 500);
const seconds = (ms) => (ms / 1000).toFixed(2) + ' s';

run(`scale.web_${count}`, async (cleanup) => {
  const domain = await new Domain(bin, { detached: true }).start();
  const collector = domain.spawn(path.join(bin, 'scale_collector'), ['Collector', String(count), 'scale_'],
    { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  let said = '';
  collector.stdout.on('data', (d) => { said += d; });
  await waitFor('the collector is ready', 60, () => said.includes('READY'));
  const members = [];
  const t0 = Date.now();
  for (let i = 0; i < count; ++i)
    members.push(domain.spawn(path.join(bin, 'scale_member'), [`scale_${i}`, String(i), 'Collector'], { stdio: 'ignore' }));
  await waitFor(`all ${count} Hellos`, 600, () => said.includes('ALL'));
  await waitFor(`${count + 1} names and ${count} edges at the name server`, 300, async () => {
    const names = await domain.get('api/names');
    const connects = await domain.get('api/connects');
    return names.body.length === count + 1 && connects.body.filter((c) => c.to === 'Collector').length === count;
  });
  console.log(`${count} members registered and said Hello in ${seconds(Date.now() - t0)}`);

  // The JSON API alone: what one refresh of the page asks.
  for (const api of ['api/names', 'api/connects', 'api/reports']) {
    const start = Date.now();
    const answer = await domain.get(api);
    console.log(`GET /${api}: ${answer.body.length} entries in ${seconds(Date.now() - start)}`);
  }

  const browser = await launchBrowser(nodeModules, domain.work, { width: 1400, height: 900 });
  cleanup.push(() => browser.close());
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const loadStart = Date.now();
  await page.goto(domain.url);
  const all = await waitFor(`all ${count + 1} processes and ${count} edges drawn`, 120, async () => {
    const d = await drawn(page);
    return d && d.nodes.length === count + 1 && d.edges.length === count ? d : null;
  });
  const loadMs = Date.now() - loadStart;
  const own = await page.evaluate(() => ({ first: window.cmView.firstDrawnMs, refresh: window.cmView.lastRefreshMs,
    refreshes: window.cmView.refreshes }));
  check(all.edges.every((e) => e.to === 'Collector'), 'every edge goes to the collector');
  const rows = await page.$$eval('#rows tr', (trs) => trs.length);
  check(rows === count + 1, `the list has ${rows} rows`);
  console.log(`page with ${count + 1} processes and ${count} edges: drawn ${seconds(loadMs)} after navigation ` +
              `(by the page's clock: its first refresh drawn ${seconds(own.first)} after navigation, taking ` +
              `${seconds(own.refresh)}; ${own.refreshes} refreshes by then)`);
  // A later refresh, everything in place (the page asks every 2 s).
  const before = await page.evaluate(() => window.cmView.refreshes);
  await waitFor('a second refresh', 30, async () => (await page.evaluate(() => window.cmView.refreshes)) > before);
  console.log(`a refresh of the ${count + 1} (fetch + list + graph): ` +
              `${seconds(await page.evaluate(() => window.cmView.lastRefreshMs))}`);
  await page.screenshot({ path: path.join(domain.work, `webview_${count}.png`) });

  await page.fill('#search', 'scale_42');
  const expected = members.map((_, i) => `scale_${i}`).filter((n) => n.includes('scale_42')).sort();
  await waitFor('the search keeps scale_42*', 30, async () => {
    const shown = await page.$$eval('#rows tr:not([hidden])', (trs) => trs.map((tr) => tr.dataset.name).sort());
    const d = await drawn(page);
    return JSON.stringify(shown) === JSON.stringify(expected) && JSON.stringify(d.nodes.sort()) === JSON.stringify(expected);
  });
  await page.fill('#search', '');

  const victim = members[7];
  const killedAt = Date.now();
  process.kill(victim.pid, 'SIGKILL');
  await waitFor('scale_7 gone from the page', 60, async () => {
    const d = await drawn(page);
    return d.nodes.length === count && !d.nodes.includes('scale_7');
  });
  console.log(`kill -9 of scale_7: gone from the page after ${seconds(Date.now() - killedAt)}`);
  check(errors.length === 0, `page errors: ${errors}`);
});
