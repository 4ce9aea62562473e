// kill_test.js -- killing from the web view, with real processes and a real
// browser: refused without --allow-kill; with it, only after the operator
// confirms (a dismissed confirmation kills nothing), a name that is not
// UTF-8 included; in a domain with a secret, only with the domain's key
// typed into the page.
//
//   node kill_test.js BIN_DIR NODE_MODULES
'use strict';
const { Domain, alive, check, launchBrowser, run, waitFor } = require('./lib.js');

const [bin, nodeModules] = process.argv.slice(2);

async function post(domain, name, headers) {
  const response = await fetch(domain.url + 'api/kill/' + encodeURIComponent(name), { method: 'POST', headers });
  return { status: response.status, body: await response.json() };
}

async function listed(page) {
  return page.$$eval('#rows tr', (trs) => trs.map((tr) => tr.dataset.name));
}

// Clicks `name`'s row, then its kill button, answering the confirmation with `accept`.
async function clickKill(page, name, accept) {
  await page.click(`#rows tr[data-name="${name}"]`);
  await waitFor(`${name}'s panel`, 10, async () => (await page.textContent('#info-title')) === name);
  page.once('dialog', (dialog) => {
    check(dialog.type() === 'confirm' && dialog.message().includes(name), `the confirmation names ${name}`);
    return accept ? dialog.accept() : dialog.dismiss();
  });
  await page.click('#kill');
}

async function exited(child) {
  await waitFor('the process exits', 20, () => child.exitCode !== null || child.signalCode !== null);
  return child.exitCode;
}

run('web.kill', async (cleanup) => {
  // 1. Read-only (no --allow-kill): refused, whatever the headers.
  const readOnly = await new Domain(bin).start();
  const bystander = await readOnly.talker('Bystander');
  const refused = await post(readOnly, 'Bystander', { 'X-Cm-Confirm': 'kill' });
  check(refused.status === 403 && /--allow-kill/.test(refused.body.error), `read-only: ${JSON.stringify(refused)}`);
  check(alive(bystander.pid), 'Bystander lives');

  // 2. --allow-kill: a confirmation first.
  const open = await new Domain(bin, { serverArgs: ['--allow-kill'] }).start();
  const victim = await open.talker('Victim');
  await open.talker('Witness', ['Victim']);
  const unconfirmed = await post(open, 'Victim', {});
  check(unconfirmed.status === 400 && /X-Cm-Confirm/.test(unconfirmed.body.error), `no confirmation: ${JSON.stringify(unconfirmed)}`);
  const unknown = await post(open, 'Nobody', { 'X-Cm-Confirm': 'kill' });
  check(unknown.status === 404 && /not running/.test(unknown.body.error), `unknown name: ${JSON.stringify(unknown)}`);

  const browser = await launchBrowser(nodeModules, open.work);
  cleanup.push(() => browser.close());
  const page = await browser.newPage();
  await page.goto(open.url + '?refresh=500');
  await waitFor('Victim listed', 20, async () => (await listed(page)).includes('Victim'));
  check(await page.isHidden('#key-box'), 'no key field in a domain without a secret');
  await clickKill(page, 'Victim', false);
  await waitFor('the page says it did not kill', 10, async () => (await page.textContent('#kill-result')) === 'not killed');
  check(alive(victim.pid), 'a dismissed confirmation kills nothing');
  await clickKill(page, 'Victim', true);
  await waitFor('the page says Victim stopped', 20, async () => /Victim: stopped/.test(await page.textContent('#kill-result')));
  check((await exited(victim)) === 0, 'Victim exits 0 on cm:kill');
  await waitFor('Victim gone from the list', 20, async () => !(await listed(page)).includes('Victim'));
  check(/web view: .* asks 'Victim' to exit/.test(open.log()), 'the name server logs who killed');

  // A name that is not UTF-8 (Latin-1 "Cafe\u0301" as one byte): the page sends its bytes back.
  const latin = await open.talker('Caf%E9');
  const shownName = 'Caf\ufffd';
  await waitFor(`${shownName} listed`, 20, async () => (await listed(page)).includes(shownName));
  await clickKill(page, shownName, true);
  await waitFor(`the page says ${shownName} stopped`, 20, async () => /stopped/.test(await page.textContent('#kill-result')));
  check((await exited(latin)) === 0, 'the process with a Latin-1 name exits 0 on cm:kill');

  // The name server still stops cleanly once a kill has started its session (http_kill.h).
  open.server.kill('SIGTERM');
  await waitFor('the name server exits on SIGTERM', 30, () => open.server.exitCode !== null || open.server.signalCode !== null);
  check(open.server.exitCode === 0, `CmNameServer exit ${open.server.exitCode} ${open.server.signalCode}`);

  // 3. A domain with a secret: the key, or nothing.
  const secret = await new Domain(bin, { secret: true, serverArgs: ['--allow-kill'] }).start();
  const guarded = await secret.talker('Guarded');
  const wrong = await post(secret, 'Guarded', { 'X-Cm-Confirm': 'kill', 'X-Cm-Key': 'x'.repeat(40) });
  check(wrong.status === 403 && /wrong key/.test(wrong.body.error), `wrong key: ${JSON.stringify(wrong)}`);
  const page2 = await browser.newPage();
  await page2.goto(secret.url + '?refresh=500');
  await waitFor('Guarded listed', 20, async () => (await listed(page2)).includes('Guarded'));
  check(await page2.isVisible('#key'), 'a domain with a secret: the page asks for the key');
  await clickKill(page2, 'Guarded', true);
  await waitFor('refused without the key', 10, async () => /refused: .*give its key/.test(await page2.textContent('#kill-result')));
  check(alive(guarded.pid), 'no key, no kill');
  await page2.fill('#key', secret.key);
  await clickKill(page2, 'Guarded', true);
  await waitFor('killed with the key', 20, async () => /Guarded: stopped/.test(await page2.textContent('#kill-result')));
  check((await exited(guarded)) === 0, 'Guarded exits 0');
});
