// lib.js -- what the web view's browser tests share: a private domain with a
// real CmNameServer (--http on a free port), real processes (web_talker),
// the cm tool, and a headless Debian chromium driven by playwright-core.
// Every process started here is killed when the test ends, however it ends.
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const started = [];  // every child, to stop at exit
const workDirs = [];  // removed when the test passes, kept (and named) when it fails

function fail(message) {
  throw new Error(message);
}

function check(condition, message) {
  if (!condition) fail(message);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Waits until `probe` returns something truthy (awaited), polling every
// 100 ms, at most `seconds`; fails with `what` otherwise.
async function waitFor(what, seconds, probe) {
  const until = Date.now() + seconds * 1000;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (error) {
      last = error.message;
    }
    if (Date.now() > until) fail(`${what}: not within ${seconds} s (last: ${JSON.stringify(last)})`);
    await sleep(100);
  }
}

// A TCP port nobody listens on now (the name server binds it right after).
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function alive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

class Domain {
  // bin: the build's bin/ directory.  options.secret: give the domain a
  // secret (a key file made by `cm secret`).  options.serverArgs: more
  // CmNameServer arguments (--allow-kill).
  constructor(bin, options = {}) {
    this.bin = bin;
    this.options = options;
    this.work = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-web.'));
    workDirs.push(this.work);
    this.env = { ...process.env };
    // A site's domain settings must not leak into the test.
    for (const v of ['CMDOMAIN', 'CMDOMAIN_DATABASE', 'CMMGR', 'CMROOT', 'CM_HOST', 'CM_LOG', 'CM_SEND_TIMEOUT', 'CM_SECRET'])
      delete this.env[v];
    this.talkers = new Map();  // name -> child
  }

  async start() {
    this.port = await freePort();
    this.env.CM_NAMESERVER = `tcp://localhost:${this.port}`;
    if (this.options.secret) {
      this.env.CM_SECRET = path.join(this.work, 'web.key');
      const made = spawnSync(path.join(this.bin, 'cm'), ['secret'], { env: this.env, encoding: 'utf8' });
      check(made.status === 0, `cm secret: ${made.stderr}`);
      const line = fs.readFileSync(this.env.CM_SECRET, 'utf8').split('\n').find((l) => l.startsWith('secret-key'));
      this.key = line.slice(line.indexOf('=') + 1).trim();  // (Z85 has '=' among its characters)
    }
    this.logPath = path.join(this.work, 'nameserver.log');
    const log = fs.openSync(this.logPath, 'w');
    const args = ['--port', String(this.port), '--http', '0', ...(this.options.serverArgs || [])];
    // detached: a session of its own, as a daemon started by the system
    // (hundreds of processes started from this one's session would starve
    // it: docs/operations.md, "Scale").
    this.server = this.spawn(path.join(this.bin, 'CmNameServer'), args,
      { stdio: ['ignore', log, log], detached: !!this.options.detached });
    const line = await waitFor('the name server logs its web view', 20, () => {
      check(alive(this.server.pid), 'CmNameServer exited:\n' + fs.readFileSync(this.logPath, 'utf8'));
      return fs.readFileSync(this.logPath, 'utf8').match(/web view on (http:\/\/\S+)/);
    });
    this.url = line[1];
    return this;
  }

  spawn(program, args, options = {}) {
    const child = spawn(program, args, { env: this.env, ...options });
    child.on('error', () => {});
    started.push(child);
    return child;
  }

  // Starts web_talker NAME PEER...; resolves once it says "ready".
  async talker(name, peers = []) {
    const child = this.spawn(path.join(this.bin, 'web_talker'), [name, ...peers], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    await waitFor(`${name} registers`, 30, () => {
      check(child.exitCode === null, `web_talker ${name} exited ${child.exitCode}: ${err}`);
      return out.includes('ready');
    });
    this.talkers.set(name, child);
    return child;
  }

  // The JSON API: status and parsed body.
  async get(apiPath) {
    const response = await fetch(this.url + apiPath.replace(/^\//, ''));
    const text = await response.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: response.status, body, type: response.headers.get('content-type') };
  }

  cm(...args) {
    return spawnSync(path.join(this.bin, 'cm'), args, { env: this.env, encoding: 'utf8', timeout: 30000 });
  }

  log() {
    return fs.readFileSync(this.logPath, 'utf8');
  }
}

// Debian's chromium, headless, with a new empty profile (never a browser
// downloaded by playwright).  Returns a browser context: newPage(), close().
async function launchBrowser(nodeModules, dir, viewport = { width: 1400, height: 800 }) {
  const { chromium } = require(path.join(nodeModules, 'playwright-core'));
  return chromium.launchPersistentContext(fs.mkdtempSync(path.join(dir, 'profile.')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// What the graph has drawn (web/src/graph.js, drawn()).
function drawn(page) {
  return page.evaluate(() => (window.cmView && window.cmView.drawn ? window.cmView.drawn() : null));
}

function stopAll() {
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null) {
      try { child.kill('SIGKILL'); } catch { /* gone */ }
    }
  }
}
process.on('exit', stopAll);

// Runs `body` as a test: exit 0 when it passes, 1 with the reason otherwise.
function run(name, body) {
  const cleanup = [];
  body(cleanup).then(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => {});
    console.log(`PASS ${name}`);
    stopAll();
    for (const dir of workDirs) fs.rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }, async (error) => {
    console.log(`FAIL ${name}: ${error.stack || error}`);
    for (const step of cleanup.reverse()) await step().catch(() => {});
    stopAll();
    console.log(`work directories kept (name server logs): ${workDirs.join(' ')}`);
    process.exit(1);
  });
}

module.exports = { Domain, alive, check, drawn, fail, launchBrowser, run, sleep, waitFor };
