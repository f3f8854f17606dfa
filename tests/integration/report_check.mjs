// Opens a govreach report from file:// in Debian's headless chromium (driven by
// playwright-core, which never downloads a browser) and prints one TAP-like line
// per check ("ok NAME" / "not ok NAME: why") for tests/integration/report.sh.
//   node report_check.mjs INDEX_HTML EXPECTED_DIR SCREENSHOT_PNG MIN_CHARTS
// EXPECTED_DIR holds NAME.tsv per HTML table (the view's rows, tab-separated,
// NULL as empty), written by psql from the views themselves.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [index, expectedDir, shot, minChartsArg] = process.argv.slice(2);
const minCharts = Number(minChartsArg || 1);
const say = (ok, name, why) => console.log(ok ? `ok ${name}` : `not ok ${name}: ${why}`);

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gr-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 900 },
  });
  const page = context.pages()[0] || await context.newPage();
  const consoleErrors = [], network = [], dialogs = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  page.on('request', (r) => { const u = r.url(); if (!u.startsWith('file:') && !u.startsWith('data:')) network.push(u); });
  await page.goto(pathToFileURL(path.resolve(index)).href, { waitUntil: 'load' });
  await page.waitForSelector('body[data-charts="done"]', { timeout: 20000 });
  await page.waitForTimeout(300);

  say(consoleErrors.length === 0, 'report: no console error', consoleErrors.join(' | '));
  say(network.length === 0, 'report: no network request', network.join(' '));
  say(dialogs.length === 0, 'report: nothing executed (no dialog)', dialogs.join(' | '));

  // Every chart's canvas is drawn: count pixels that are neither transparent nor white.
  const charts = await page.evaluate(() => Array.from(document.querySelectorAll('[data-chart] canvas')).map((c) => {
    const ctx = c.getContext('2d');
    const img = ctx.getImageData(0, 0, c.width, c.height).data;
    let inked = 0;
    for (let i = 0; i < img.length; i += 4) {
      if (img[i + 3] > 0 && !(img[i] > 245 && img[i + 1] > 245 && img[i + 2] > 245)) inked++;
    }
    return { id: c.closest('[data-chart]').id, inked, total: c.width * c.height };
  }));
  say(charts.length >= minCharts, `report: at least ${minCharts} charts drawn`, `found ${charts.length} canvases`);
  for (const c of charts) say(c.inked > c.total * 0.002, `report: chart ${c.id} is drawn (not blank)`, `${c.inked} of ${c.total} pixels inked`);

  // Every HTML table has the rows of its view.
  const tables = await page.evaluate(() => Array.from(document.querySelectorAll('table.grid')).map((t) => ({
    view: t.dataset.view,
    shown: Number(t.dataset.rows),
    total: Number(t.dataset.total),
    rows: Array.from(t.tBodies[0].rows).map((r) => Array.from(r.cells).map((td) => td.textContent).join('\t')),
  })));
  say(tables.length > 0, 'report: has HTML tables', 'none');
  for (const t of tables) {
    const f = path.join(expectedDir, `${t.view}.tsv`);
    if (!fs.existsSync(f)) { say(false, `report: table ${t.view} has a view to compare with`, `no ${f}`); continue; }
    const want = fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.length > 0);
    const got = t.rows;
    const a = [...want].sort().join('\n'), b = [...got].sort().join('\n');
    say(t.shown === t.total && a === b, `report: table ${t.view} has the view's ${want.length} rows`,
      `page shows ${got.length} of ${t.total}; first differing: want [${want.find((w) => !got.includes(w)) ?? ''}] got [${got.find((g) => !want.includes(g)) ?? ''}]`);
  }

  // The hostile title is text on the page, and no script element came from the data.
  const hostile = await page.evaluate(() => ({
    text: document.getElementById('tbl-t2_7_hot_articles')?.textContent.includes('<script>alert(1)</script>') ?? false,
    scripts: document.querySelectorAll('script').length,
    title: document.title,
  }));
  say(hostile.text, 'report: the hostile title is shown as text', 'not found as text in 表2.7');
  say(hostile.scripts === 3, 'report: only the page\'s own three script elements', `${hostile.scripts} script elements`);

  await page.screenshot({ path: shot.replace(/\.png$/, '-top.png') });
  await page.screenshot({ path: shot, fullPage: true });
  say(fs.statSync(shot).size > 10000, 'report: full-page screenshot saved', shot);
} catch (e) {
  say(false, 'report: the browser check ran', String(e).split('\n')[0]);
} finally {
  if (context) await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
