// Browser test of `hil report` and `hil serve` (CTest: hil_report_browser, label browser).
// Seeds a store with two runs of a suite, writes the report, and loads it in Debian's chromium,
// headless, driven by playwright-core: from file:// (with every non-file request refused, so the
// page must be self-contained) and from `hil serve`. Checks: no console errors, one chart series
// per model x board and one point per run (counted independently with sqlite3), the model filter,
// the cross-chip table, the JSON API, the Kernels section shown only for runs with more than one
// kernel variant per model x board. With --seed-kernels, also a store of known kernel-variant figures
// (written by that program, host/web/testing/kernel_seed.h): the Kernels section's speed-ups, % of
// peak and per-operator speed-ups. Screenshots go to --out. Missing tools fail, naming the package.
// With --stacks-suite, also our agent against an MLPerf Tiny DUT on one chip (the "vs same chip" column).
//   node browser_test.mjs --hil HIL --modules NODE_MODULES --suite SUITE.yaml --out DIR [--seed-kernels SEEDER]
//                         [--stacks-suite SUITE.yaml]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const CHROMIUM = process.env.HIL_CHROMIUM || '/usr/bin/chromium';

function fail(msg) {
  console.error('FAIL: ' + msg);
  process.exit(1);
}
function check(cond, msg) {
  if (!cond) fail(msg);
  console.log('ok: ' + msg);
}

for (const k of ['hil', 'modules', 'suite', 'out']) if (!args[k]) fail(`usage: missing --${k}`);
if (!existsSync(CHROMIUM)) fail(`${CHROMIUM} not found: install the Debian package chromium (apt-get install chromium; packages/debian.txt)`);
let playwright;
try {
  playwright = createRequire(join(args.modules, 'noop.js'))('playwright-core');
} catch (e) {
  fail(`npm package playwright-core not found in ${args.modules}: build hil_web (it runs npm ci in reports/; needs the Debian package npm) (${e.message})`);
}
const sqlite = spawnSync('sqlite3', ['-version']);
if (sqlite.error) fail('sqlite3 not found: install the Debian package sqlite3');

rmSync(args.out, { recursive: true, force: true });
mkdirSync(args.out, { recursive: true });
const db = join(args.out, 'store.db');

function hil(...a) {
  const r = spawnSync(args.hil, a, { encoding: 'utf8' });
  if (r.status !== 0) fail(`hil ${a.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
function sql(q) {
  const r = spawnSync('sqlite3', [db, q], { encoding: 'utf8' });
  if (r.status !== 0) fail(`sqlite3: ${r.stderr}`);
  return r.stdout.trim();
}

// Seed: two runs of the suite.
hil('run', args.suite, '--db', db);
hil('run', args.suite, '--db', db);
const runs = Number(sql('SELECT COUNT(*) FROM runs'));
const pairs = sql("SELECT DISTINCT model_name || ' @ ' || board_kind FROM jobs WHERE status != 'error' ORDER BY 1").split('\n');
const firstModel = sql('SELECT model_name FROM jobs ORDER BY model_name LIMIT 1');
const pairsOfFirst = Number(sql(`SELECT COUNT(DISTINCT board_kind) FROM jobs WHERE model_name = '${firstModel}'`));
const countedModels = Number(sql("SELECT COUNT(DISTINCT model_name) FROM jobs WHERE unit IN ('cycles', 'instructions') AND status != 'error'"));
const energyPairs = Number(sql("SELECT COUNT(DISTINCT model_name || board_kind) FROM jobs WHERE energy_uj IS NOT NULL"));
// Model x board pairs of a run with more than one kernel variant: what the Kernels section compares.
const kernelGroupsSql = "SELECT COUNT(*) FROM (SELECT 1 FROM jobs WHERE kernel IS NOT NULL AND status != 'error' " +
  'GROUP BY run_id, model_name, board_kind HAVING COUNT(DISTINCT kernel) > 1)';
const kernelGroups = Number(sql(kernelGroupsSql));
check(runs === 2 && pairs.length >= 1, `seeded ${runs} runs, ${pairs.length} model x board pairs`);

const report = join(args.out, 'report.html');
hil('report', '--db', db, '-o', report);

async function checkPage(page, label, errors) {
  await page.waitForFunction(() => Number(document.body.dataset.rendered || 0) >= 1, null, { timeout: 10000 });
  const charts = await page.evaluate(() => {
    const out = {};
    for (const [k, u] of Object.entries(window.hilCharts)) {
      out[k] = u ? { series: u.series.slice(1).map((s) => s.label), xs: u.data[0].length, points: u.data.slice(1).map((d) => d.filter((v) => v != null).length), canvas: !!u.root.querySelector('canvas') } : null;
    }
    return out;
  });
  for (const metric of ['latency', 'ram']) {
    const c = charts[metric];
    check(c && c.canvas, `${label}: ${metric} chart drawn by uPlot`);
    check(JSON.stringify(c.series) === JSON.stringify(pairs), `${label}: ${metric} chart has one series per model x board (${c.series.length}: ${c.series.join(', ')})`);
    check(c.xs === runs && c.points.every((n) => n === runs), `${label}: ${metric} chart has ${runs} points per series (${c.points.join(', ')})`);
  }
  if (energyPairs) check(charts.energy && charts.energy.series.length === energyPairs, `${label}: energy chart has ${energyPairs} series`);
  else check(charts.energy === null, `${label}: energy chart empty (no energy stored for this suite)`);
  if (countedModels) check(charts.crosschip && charts.crosschip.series.length === countedModels, `${label}: cross-chip cycles/MAC chart has ${countedModels} model series`);
  else check(charts.crosschip === null, `${label}: no cross-chip cycles/MAC chart (no cycle or instruction counts in this store)`);
  const crossRows = await page.locator('#crosschip table.crosschip tr').count();
  check(crossRows - (await page.locator('#crosschip table.crosschip').count()) === pairs.length, `${label}: cross-chip comparison lists every model x board`);
  check((await page.locator('#crosschip td.samechip').count()) === 0, `${label}: no same-chip ratios (every board kind here is its own chip)`);
  check((await page.locator('#ops table.ops').count()) >= 1, `${label}: per-operator breakdown rendered`);
  check((await page.locator('#overview-matrix td.pass').count()) === pairs.length, `${label}: overview shows the latest run's passes`);
  check((await page.locator('#kernels').isVisible()) === (kernelGroups > 0),
    `${label}: Kernels section ${kernelGroups ? 'shown' : 'hidden'} (${kernelGroups} model x board pairs with more than one kernel variant)`);
  // The filter: one model only.
  await page.selectOption('#filter-model', firstModel);
  const filtered = await page.evaluate(() => window.hilCharts.latency.series.length - 1);
  check(filtered === pairsOfFirst, `${label}: filter model=${firstModel} leaves ${filtered} latency series`);
  await page.selectOption('#filter-model', '');
  check((await page.evaluate(() => window.hilCharts.latency.series.length - 1)) === pairs.length, `${label}: clearing the filter restores every series`);
  check(errors.length === 0, `${label}: no console errors${errors.length ? ': ' + errors.join(' | ') : ''}`);
}

async function checkKernels(context) {
  const kdb = join(args.out, 'kernels.db'), suite = join(args.out, 'kernels_suite.yaml'), kreport = join(args.out, 'kernels.html');
  const seeded = spawnSync(args['seed-kernels'], [kdb, suite], { encoding: 'utf8' });
  if (seeded.status !== 0) fail(`${args['seed-kernels']} exited ${seeded.status}: ${seeded.stdout}${seeded.stderr}`);
  hil('report', '--db', kdb, '-o', kreport);
  // The medians counted independently from the store (every sample of a job is the same).
  const median = (board, kernel, engine = 'tinyhil') => Number(spawnSync('sqlite3', [kdb, 'SELECT MAX(s.value) FROM samples s JOIN jobs j ON j.id = s.job_id ' +
    `WHERE j.model_name = 'fc-64x10' AND j.board_kind = '${board}' AND j.kernel = '${kernel}' AND COALESCE(j.engine, 'tinyhil') = '${engine}'`],
    { encoding: 'utf8' }).stdout);
  const m4 = median('mps2-an386', 'ref') / median('mps2-an386', 'dsp'), m55 = median('mps3-an547', 'ref') / median('mps3-an547', 'mve');
  const vsTflm = median('mps2-an386', 'dsp', 'tflm') / median('mps2-an386', 'dsp');
  check(m4.toFixed(2) === '2.67' && m55.toFixed(2) === '4.00' && vsTflm.toFixed(2) === '1.21',
    `kernels: seeded store holds the known medians (speed-ups ${m4.toFixed(2)}, ${m55.toFixed(2)}; ours against TFLM ${vsTflm.toFixed(2)})`);

  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('file://' + kreport);
  await page.waitForFunction(() => Number(document.body.dataset.rendered || 0) >= 1, null, { timeout: 10000 });
  check(await page.locator('#kernels').isVisible(), 'kernels: the Kernels section is shown');
  const row = (board, kernel, engine = 'tinyhil') =>
    `#kernels table.kernels tr[data-model="fc-64x10"][data-board="${board}"][data-engine="${engine}"][data-kernel="${kernel}"]`;
  let t;
  const text = async (sel) => ((await page.locator(sel).count()) === 1 ? (await page.locator(sel).innerText()).trim() : `(${await page.locator(sel).count()} matches)`);
  check((await page.locator('#kernels table.kernels tr[data-model]').count()) === 5,
    'kernels: one row per engine and variant of the two compared pairs (ref-only pairs left out)');
  // TensorFlow Lite Micro beside ours: the ratio to it, and each engine's arena.
  t = await text(row('mps2-an386', 'dsp') + ' td.vs-tflm');
  check(t === vsTflm.toFixed(2) + 'x', `kernels: ours with dsp against TFLM with CMSIS-NN on mps2-an386 ${t}`);
  t = await text(row('mps2-an386', 'dsp', 'tflm') + ' td.vs-tflm');
  check(t === '1.00x', `kernels: TFLM against itself ${t}`);
  t = await text(row('mps2-an386', 'dsp', 'tflm') + ' td.speedup');
  check(t === (median('mps2-an386', 'ref') / median('mps2-an386', 'dsp', 'tflm')).toFixed(2) + 'x', `kernels: TFLM's speed-up over our ref ${t}`);
  t = (await page.locator(row('mps2-an386', 'dsp', 'tflm') + ' td').allInnerTexts()).join('|');
  check(t.includes('|1,648|'), `kernels: TFLM's arena (1,648 bytes) is shown: ${t}`);
  t = await text(row('mps2-an386', 'dsp') + ' td.speedup');
  check(t === m4.toFixed(2) + 'x', `kernels: dsp on mps2-an386 speed-up over ref ${t}`);
  t = await text(row('mps3-an547', 'mve') + ' td.speedup');
  check(t === m55.toFixed(2) + 'x', `kernels: mve on mps3-an547 speed-up over ref ${t}`);
  t = await text(row('mps2-an386', 'ref') + ' td.speedup');
  check(t === '1.00x', `kernels: ref against itself ${t}`);
  // % of peak: 640 MACs / (2400 x 2) and 640 / (1200 x 8).
  t = await text(row('mps2-an386', 'dsp') + ' td.peak');
  check(t === '13.3 %', `kernels: dsp on cortex-m4 reaches ${t} of the peak of 2 MACs/cycle`);
  t = await text(row('mps3-an547', 'mve') + ' td.peak');
  check(t === '6.7 %', `kernels: mve on cortex-m55 reaches ${t} of the peak of 8 MACs/cycle`);
  const op = (board, index, engine = 'tinyhil') =>
    `#kernels table.kernel-ops tr[data-model="fc-64x10"][data-board="${board}"][data-engine="${engine}"][data-op="${index}"] td.speedup`;
  t = await text(op('mps2-an386', 0));
  check(t === '3.00x', `kernels: FULLY_CONNECTED dsp speed-up ${t} (6000 -> 2000 per call)`);
  t = await text(op('mps3-an547', 0));
  check(t === '5.00x', `kernels: FULLY_CONNECTED mve speed-up ${t} (4500 -> 900 per call)`);
  t = await text(op('mps3-an547', 1));
  check(t === '1.00x', `kernels: SOFTMAX unchanged ${t}`);
  check(/under QEMU the figures are instructions, not cycles/i.test(await page.locator('#kernels .note').innerText()), 'kernels: the note says QEMU counts instructions');
  const series = await page.evaluate(() => (window.hilCharts.kernels ? window.hilCharts.kernels.series.slice(1).map((s) => s.label) : null));
  check(JSON.stringify(series) === JSON.stringify(['mps2-an386 [dsp]', 'mps2-an386 [tflm dsp]', 'mps3-an547 [mve]']), `kernels: speed-up chart series ${JSON.stringify(series)}`);
  await page.selectOption('#filter-board', 'mps3-an547');
  check((await page.locator('#kernels table.kernels tr[data-model]').count()) === 2, 'kernels: board filter leaves the M55 rows');
  await page.selectOption('#filter-board', '');
  await page.locator('#kernels').screenshot({ path: join(args.out, 'kernels.png') });
  console.log('screenshot: ' + join(args.out, 'kernels.png'));
  check(errors.length === 0, `kernels: no console errors${errors.length ? ': ' + errors.join(' | ') : ''}`);
  await page.close();
}

// Two firmware stacks on one chip (--stacks-suite: our agent and an MLPerf Tiny DUT on the same host
// core and clock): the cross-chip table names each row's firmware and sets their times side by
// side, the ratio checked against medians counted here from the store's samples.
async function checkStacks(context) {
  const sdb = join(args.out, 'stacks.db'), sreport = join(args.out, 'stacks.html');
  hil('run', args['stacks-suite'], '--db', sdb);
  hil('report', '--db', sdb, '-o', sreport);
  const q = spawnSync('sqlite3', ['-separator', '|', sdb, 'SELECT j.model_name, j.board_kind, s.value FROM samples s JOIN jobs j ON j.id = s.job_id'],
    { encoding: 'utf8' });
  if (q.status !== 0) fail(`sqlite3: ${q.stderr}`);
  const values = {};
  for (const line of q.stdout.trim().split('\n')) {
    const [model, board, v] = line.split('|');
    (values[model + '|' + board] ||= []).push(Number(v));
  }
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b), m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
  const models = [...new Set(Object.keys(values).map((k) => k.split('|')[0]))];
  check(models.length >= 1 && models.every((m) => values[m + '|posix-host'] && values[m + '|posix-mlperf']),
    `stacks: ${models.length} models on posix-host and posix-mlperf`);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('file://' + sreport);
  await page.waitForFunction(() => Number(document.body.dataset.rendered || 0) >= 1, null, { timeout: 10000 });
  const cell = async (model, board, sel) => {
    const loc = page.locator(`#crosschip table.crosschip tr[data-model="${model}"][data-board="${board}"] ${sel}`);
    return (await loc.count()) === 1 ? (await loc.innerText()).trim() : `(${await loc.count()} matches)`;
  };
  for (const model of models) {
    check((await cell(model, 'posix-host', 'td.firmware')) === 'TinyHIL agent', `stacks: ${model} on posix-host runs our agent`);
    check((await cell(model, 'posix-mlperf', 'td.firmware')) === 'MLPerf Tiny DUT', `stacks: ${model} on posix-mlperf is an MLPerf Tiny DUT`);
    const ours = median(values[model + '|posix-host']), theirs = median(values[model + '|posix-mlperf']);
    const [fast, slow] = ours <= theirs ? ['posix-host', 'posix-mlperf'] : ['posix-mlperf', 'posix-host'];
    const want = (Math.max(ours, theirs) / Math.min(ours, theirs)).toFixed(2) + '\u00d7';
    const got = [await cell(model, fast, 'td.samechip'), await cell(model, slow, 'td.samechip')];
    check(got[0] === '1.00' && got[1] === want, `stacks: ${model} vs same chip: ${fast} ${got[0]}, ${slow} ${got[1]} (want ${want})`);
    const perMac = await cell(model, 'posix-mlperf', 'td.permac');
    check(perMac.startsWith('\u2248'), `stacks: ${model} cycles/MAC of the MLPerf DUT derived from time x clock (${perMac})`);
  }
  await page.locator('#crosschip').screenshot({ path: join(args.out, 'stacks.png') });
  check(errors.length === 0, `stacks: no console errors${errors.length ? ': ' + errors.join(' | ') : ''}`);
  await page.close();
}

const userDataDir = mkdtempSync(join(tmpdir(), 'hil-chromium-'));
let server;
let context;
// fail() exits at once: the server we started goes with us (playwright closes its browser itself).
process.on('exit', () => { if (server && server.exitCode === null) server.kill('SIGTERM'); rmSync(userDataDir, { recursive: true, force: true }); });
try {
  context = await playwright.chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });

  // 1. The file, offline: any request that is not file:// is refused and counted.
  {
    const page = await context.newPage();
    const errors = [], external = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.route('**/*', (route) => {
      if (route.request().url().startsWith('file:')) return route.continue();
      external.push(route.request().url());
      return route.abort();
    });
    await page.goto('file://' + report);
    await checkPage(page, 'file://', errors);
    check(external.length === 0, `file://: self-contained, no network requests${external.length ? ': ' + external.join(' ') : ''}`);
    await page.screenshot({ path: join(args.out, 'report.png'), fullPage: true });
    console.log('screenshot: ' + join(args.out, 'report.png'));
    await page.close();
  }

  // 2. Known kernel-variant figures (kernel_seed.h): fc-64x10 (640 MACs), instructions per inference,
  // mps2-an386 (cortex-m4, peak 2) ref 6400 / dsp 2400, mps3-an547 (cortex-m55, peak 8) ref 4800 /
  // mve 1200; per operator FULLY_CONNECTED 6000 / 2000 and 4500 / 900. Ref-only pairs are not shown.
  if (args['seed-kernels']) await checkKernels(context);
  if (args['stacks-suite']) await checkStacks(context);

  // 3. hil serve on a free port.
  server = spawn(args.hil, ['serve', '--db', db, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise((resolve, reject) => {
    let out = '', err = '';
    const t = setTimeout(() => reject(new Error('hil serve printed no URL within 10 s: ' + err)), 10000);
    server.stdout.on('data', (d) => { out += d; const m = out.match(/serving (http:\S+)/); if (m) { clearTimeout(t); resolve(m[1]); } });
    server.stderr.on('data', (d) => { err += d; });
    server.on('exit', (code) => reject(new Error(`hil serve exited ${code}: ${err}`)));
  }).catch((e) => fail(e.message));
  check(url.startsWith('http://127.0.0.1:'), `hil serve binds 127.0.0.1 by default (${url})`);
  {
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    await checkPage(page, 'hil serve', errors);
    await page.click('#reload');
    await page.waitForFunction(() => Number(document.body.dataset.rendered) >= 2 + 2, null, { timeout: 10000 }).catch(() => {});
    check((await page.evaluate(() => window.hilCharts.latency.series.length - 1)) === pairs.length, 'hil serve: reload from /api/report renders again');
    await page.screenshot({ path: join(args.out, 'serve.png'), fullPage: true });
    const api = await page.evaluate(async (model) => {
      const get = async (p) => { const r = await fetch(p); return { status: r.status, body: r.ok ? await r.json() : null }; };
      const runs = await get('/api/runs');
      const jobs = await get(`/api/runs/${runs.body.runs[0].id}/jobs`);
      const series = await get(`/api/series?model=${encodeURIComponent(model)}`);
      const missing = await get('/api/runs/999999/jobs');
      const post = (await fetch('/api/runs', { method: 'POST' })).status;
      return { runs, jobs, series, missing, post };
    }, firstModel);
    check(api.runs.status === 200 && api.runs.body.runs.length === runs, `/api/runs lists ${runs} runs`);
    check(api.jobs.status === 200 && api.jobs.body.jobs.length === pairs.length, '/api/runs/ID/jobs lists the run\'s jobs');
    check(api.series.status === 200 && api.series.body.series.length === pairsOfFirst &&
      api.series.body.series.every((s) => s.points.length === runs), `/api/series?model=${firstModel}: ${pairsOfFirst} series of ${runs} points`);
    check(api.missing.status === 404, '/api/runs/999999/jobs is 404');
    check(api.post >= 400, `the API is read only (POST: ${api.post})`);
    await page.close();
  }
} catch (e) {
  fail(e.stack || String(e));
} finally {
  if (context) await context.close().catch(() => {});
  if (server && server.exitCode === null) server.kill('SIGTERM');
  rmSync(userDataDir, { recursive: true, force: true });
}
console.log('PASS');
process.exit(0);
