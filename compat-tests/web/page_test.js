// page_test.js -- the web view with a dozen real processes and a real
// browser: every process and every edge is drawn, edges carry a rate, the
// search box filters, a click (on a row, on a node) shows the process's
// info, a process killed with kill -9 leaves the page, and the page is
// read-only without --allow-kill.  Saves a screenshot (SCREENSHOT, or in the
// work directory).
//
//   node page_test.js BIN_DIR NODE_MODULES [SCREENSHOT]
'use strict';
const path = require('path');
const { Domain, alive, check, drawn, launchBrowser, run, waitFor } = require('./lib.js');

const [bin, nodeModules, screenshot] = process.argv.slice(2);

// A small control system: who sends to whom.
const kEdges = [
  ['Trigger', 'Daq'], ['Daq', 'Monitor'], ['Daq', 'Archiver'], ['Monitor', 'Alarm'], ['Hv', 'Monitor'],
  ['Lv', 'Monitor'], ['Cooling', 'Monitor'], ['Vacuum', 'Monitor'], ['Laser', 'Shutter'], ['Alarm', 'Logger'],
  ['Monitor', 'Logger'], ['Shutter', 'Logger'], ['Archiver', 'Logger'],
];
const kNames = [...new Set(kEdges.flat())].sort();

run('web.page', async (cleanup) => {
  const domain = await new Domain(bin).start();
  await Promise.all(kNames.map((name) => domain.talker(name, kEdges.filter(([from]) => from === name).map(([, to]) => to))));
  await waitFor('the name server lists every process and every edge', 60, async () => {
    const names = (await domain.get('api/names')).body.map((n) => n.name);
    const connects = (await domain.get('api/connects')).body.map((c) => c.from + '>' + c.to);
    return kNames.every((n) => names.includes(n)) && kEdges.every(([f, t]) => connects.includes(f + '>' + t));
  });

  const browser = await launchBrowser(nodeModules, domain.work);
  cleanup.push(() => browser.close());
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(domain.url + '?refresh=500');

  // Every process and every edge drawn, each edge with a rate once two refreshes have counted.
  const graph = await waitFor('every process and edge drawn, with rates', 60, async () => {
    const d = await drawn(page);
    if (!d) return null;
    const edges = d.edges.map((e) => e.from + '>' + e.to);
    const all = kNames.every((n) => d.nodes.includes(n)) && kEdges.every(([f, t]) => edges.includes(f + '>' + t));
    return all && d.edges.every((e) => e.rate > 0) ? d : null;
  });
  check(graph.nodes.length === kNames.length, `drawn nodes ${graph.nodes} are not ${kNames}`);
  check(graph.edges.length === kEdges.length, `drawn ${graph.edges.length} edges, not ${kEdges.length}`);
  check(graph.edges.every((e) => e.width > 1), 'an edge with messages is drawn wider than an idle one');
  const rows = await page.$$eval('#rows tr', (trs) => trs.map((tr) => tr.dataset.name));
  check(JSON.stringify(rows) === JSON.stringify(kNames), `the list shows ${rows}`);

  // The search box filters the list and the graph.
  await page.fill('#search', 'moni');
  await waitFor('the search keeps Monitor alone', 10, async () => {
    const shown = await page.$$eval('#rows tr:not([hidden])', (trs) => trs.map((tr) => tr.dataset.name));
    const d = await drawn(page);
    return shown.join() === 'Monitor' && d.nodes.join() === 'Monitor' && d.edges.length === 0;
  });
  await page.fill('#search', 'tick');  // a handler type: every process has one
  await waitFor('a search by handler type keeps everyone', 10, async () =>
    (await page.$$eval('#rows tr:not([hidden])', (trs) => trs.length)) === kNames.length);
  await page.fill('#search', '');
  await waitFor('an empty search shows all again', 10, async () => (await drawn(page)).nodes.length === kNames.length);

  // A click on a row shows the process's info (cm info --json, from its report).
  const daq = domain.talkers.get('Daq');
  await page.click('#rows tr[data-name="Daq"]');
  const info = await waitFor('the info of Daq', 20, () => page.$$eval('#info-table tr', (trs) =>
    Object.fromEntries(trs.map((tr) => [tr.dataset.key, tr.cells[1].textContent]))).then((i) => (i.pid ? i : null)));
  check(info.name === 'Daq' && Number(info.pid) === daq.pid, `info shows ${JSON.stringify(info)}`);
  check(/Tick/.test(info.handler_types) && /Status/.test(info.handler_types), `handler types: ${info.handler_types}`);
  check(Number(info.sent) > 0, `Daq has sent: ${info.sent}`);
  // The picture of docs/webview.png: every row with its report, Daq's info open.
  await waitFor('every row with its handler types', 30, async () =>
    (await page.$$eval('#rows tr td:last-child', (tds) => tds.every((td) => td.textContent.includes('Tick')))));
  await page.screenshot({ path: screenshot || path.join(domain.work, 'webview.png') });

  // A click on a node of the graph does the same.
  const at = await page.evaluate(() => {
    const node = window.cmView.graph.cy.getElementById('s:Laser');
    const box = document.getElementById('graph').getBoundingClientRect();
    const p = node.renderedPosition();
    return { x: box.left + p.x, y: box.top + p.y };
  });
  await page.mouse.click(at.x, at.y);
  await waitFor('the info of Laser after a click on its node', 20, async () =>
    (await page.textContent('#info-title')) === 'Laser' &&
    Number(await page.$eval('#info-table tr[data-key="pid"] td:last-child', (td) => td.textContent)) ===
      domain.talkers.get('Laser').pid);
  check(await page.isHidden('#kill'), 'no kill button without --allow-kill');

  // kill -9: the process leaves the list and the graph.
  const vacuum = domain.talkers.get('Vacuum');
  const killedAt = Date.now();
  process.kill(vacuum.pid, 'SIGKILL');
  await waitFor('Vacuum gone from the page', 30, async () => {
    const d = await drawn(page);
    const listed = await page.$$eval('#rows tr', (trs) => trs.map((tr) => tr.dataset.name));
    return !d.nodes.includes('Vacuum') && !listed.includes('Vacuum') && d.nodes.length === kNames.length - 1;
  });
  console.log(`kill -9 of Vacuum: gone from the page after ${((Date.now() - killedAt) / 1000).toFixed(2)} s`);
  check(!alive(vacuum.pid), 'Vacuum was killed');
  check(errors.length === 0, `page errors: ${errors}`);
});
