#!/usr/bin/env node
// Drives the management console (GET / on the management port) in headless Chromium as an operator
// would, and reads GET /operations after each change to see it made:
//   1. the page loads and lists the operations, with no token asked to read;
//   2. a change without a token is refused and the API's error shows on the page;
//   3. the token is typed in once (kept in sessionStorage);
//   4. faults are set on --operation through its row (latency, error rate), then seen in the API;
//   5. its breaker is forced open, then closed, each seen in the table and in the API;
//   6. with --flip, its mode is switched with the row's button (rpc -> event), seen in both;
//   7. with --deadletters (after the flip), it is set down until its commands show in the dead
//      letters, brought back (faults cleared) and its dead letters replayed with the button, each
//      replay seen in GET /deadletters;
//   8. the chart is drawn (a canvas of nonzero size) and orders.place shows a rate;
// and nothing is fetched from anywhere but the node, with no page or console errors (failed
// requests the steps provoke are listed apart). Prints one JSON line; exits 0 when every check holds,
// 1 when one fails, 2 when the browser could not be driven.
//
//   node check-console.js --url http://127.0.0.1:PORT/ --token TOKEN [--operation payment.charge]
//                         [--flip true] [--deadletters true] [--screenshot PATH.png]
//                         [--chromium /usr/bin/chromium]
'use strict';

const { chromium } = require('playwright-core');

const WAIT_MS = 20000;

function options(argv) {
  const opts = {
    chromium: process.env.CHROMIUM || '/usr/bin/chromium', operation: 'payment.charge', flip: 'false', deadletters: 'false',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!['url', 'token', 'operation', 'flip', 'deadletters', 'screenshot', 'chromium'].includes(key)
      || argv[i + 1] === undefined) {
      throw new Error(`unknown or incomplete option ${argv[i]}`);
    }
    opts[key] = argv[i + 1];
  }
  if (!opts.url || !opts.token) {
    throw new Error('--url and --token are required');
  }
  opts.flip = opts.flip === 'true';
  opts.deadletters = opts.deadletters === 'true';
  return opts;
}

/** GET /operations from outside the page: the API's own view of one operation. */
async function operation(opts, name) {
  const response = await fetch(new URL('/operations', opts.url), { cache: 'no-store' });
  const operations = await response.json();
  return operations.find((candidate) => candidate.operation === name);
}

/** Polls until {@code test} holds for the API's view of the operation; returns that view (or the last one). */
async function apiShows(opts, name, test) {
  const deadline = Date.now() + WAIT_MS;
  let seen;
  do {
    seen = await operation(opts, name);
    if (test(seen)) return { ok: true, seen };
    await new Promise((resolve) => setTimeout(resolve, 100));
  } while (Date.now() < deadline);
  return { ok: false, seen };
}

async function check(opts) {
  const origin = new URL(opts.url).origin;
  const browser = await chromium.launch({
    executablePath: opts.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const failures = [];
  const steps = {};
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const outside = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(origin + '/') || url.startsWith('data:')) {
        return route.continue();
      }
      outside.push(url);
      return route.abort();
    });
    const pageErrors = [];
    const consoleErrors = [];
    const failedRequests = [];
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('console', (message) => {
      // a refused request is logged by Chromium itself; those are listed from the responses instead
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        consoleErrors.push(message.text());
      }
    });
    page.on('response', (response) => {
      if (response.status() >= 400) failedRequests.push(`${response.request().method()} ${new URL(response.url()).pathname} ${response.status()}`);
    });

    const response = await page.goto(opts.url, { waitUntil: 'load' });
    if (!response || !response.ok()) failures.push('the page did not load');
    const row = page.locator(`#operations tr[data-operation="${opts.operation}"]`);
    await row.waitFor({ timeout: WAIT_MS });
    steps.operationsListed = await page.locator('#operations tbody tr').count();
    steps.title = await page.title();

    // 2. without a token a change is refused, and the page says why
    await row.getByRole('button', { name: `Force the breaker of ${opts.operation} open` }).click();
    const error = page.locator('#error');
    await error.waitFor({ state: 'visible', timeout: WAIT_MS });
    steps.errorWithoutToken = (await page.locator('#error-text').textContent()).trim();
    if (!steps.errorWithoutToken.includes('Authorization: Bearer')) failures.push(`no token: the error shown is "${steps.errorWithoutToken}"`);
    await page.getByRole('button', { name: 'Dismiss' }).click();

    // 3. the token, once
    await page.getByLabel('Management token').fill(opts.token);
    await page.getByRole('button', { name: 'Use token' }).click();
    steps.tokenKept = await page.evaluate(() => sessionStorage.getItem('switchboard.management.token') !== null);
    if (!steps.tokenKept) failures.push('the token was not kept in sessionStorage');

    // 4. faults through the row
    await row.getByLabel('latency ms').fill('120');
    await row.getByLabel('error rate').fill('0.1');
    await row.getByRole('button', { name: 'Apply faults' }).click();
    await row.locator('[data-field="faults"]').filter({ hasText: '+120 ms' }).waitFor({ timeout: WAIT_MS });
    const faulted = await apiShows(opts, opts.operation, (op) => op.faults.latencyMs === 120 && op.faults.errorRate === 0.1);
    steps.faultsInApi = faulted.seen.faults;
    steps.faultsOnPage = (await row.locator('[data-field="faults"]').textContent()).trim();
    if (!faulted.ok) failures.push(`the faults set on the page are not in GET /operations: ${JSON.stringify(faulted.seen.faults)}`);

    // 5. the breaker forced open, then closed
    await row.getByRole('button', { name: `Force the breaker of ${opts.operation} open` }).click();
    await row.locator('td').nth(2).filter({ hasText: ': open' }).waitFor({ timeout: WAIT_MS });
    const opened = await apiShows(opts, opts.operation, (op) => Object.values(op.breakers).length > 0
      && Object.values(op.breakers).every((state) => state === 'open'));
    steps.breakersOpenInApi = opened.seen.breakers;
    if (!opened.ok) failures.push(`forced open on the page, GET /operations shows ${JSON.stringify(opened.seen.breakers)}`);
    await row.getByRole('button', { name: `Force the breaker of ${opts.operation} closed` }).click();
    await row.locator('td').nth(2).filter({ hasText: ': closed' }).waitFor({ timeout: WAIT_MS });
    const closed = await apiShows(opts, opts.operation, (op) => Object.values(op.breakers).every((state) => state === 'closed'));
    steps.breakersClosedInApi = closed.seen.breakers;
    if (!closed.ok) failures.push(`forced closed on the page, GET /operations shows ${JSON.stringify(closed.seen.breakers)}`);

    // 6. the flip
    const before = await operation(opts, opts.operation);
    steps.modeBefore = before.mode;
    if (opts.flip) {
      const target = before.mode === 'rpc' ? 'event' : 'rpc';
      await row.getByRole('button', { name: `Switch ${opts.operation} to ${target}` }).click();
      const modeCell = row.locator('td').nth(0);
      try {
        await modeCell.filter({ hasText: new RegExp(`^${target}$`) }).waitFor({ timeout: WAIT_MS });
      } catch (notShown) {
        failures.push(`the mode cell still reads "${await modeCell.textContent()}"; error shown: `
          + `"${(await error.isVisible()) ? await page.locator('#error').textContent() : ''}"`);
      }
      const flipped = await apiShows(opts, opts.operation, (op) => op.mode === target);
      steps.modeAfterInApi = flipped.seen.mode;
      steps.modeAfterOnPage = (await modeCell.textContent()).trim();
      steps.flipButtonAfter = (await row.getByRole('button', { name: new RegExp(`^Switch ${opts.operation} to`) }).textContent()).trim();
      steps.notice = (await page.locator('#notice').textContent()).trim();
      if (!flipped.ok) failures.push(`switched on the page, GET /operations shows mode ${flipped.seen.mode}`);
    }

    // 7. dead letters: down until some are listed, back, replayed
    if (opts.deadletters) {
      const faults = row.locator('[data-field="faults"]');
      await row.getByLabel('down', { exact: true }).check();
      await row.getByRole('button', { name: 'Apply faults' }).click();
      await faults.filter({ hasText: 'down' }).waitFor({ timeout: WAIT_MS });
      const letters = page.locator(`#deadletters tr[data-operation="${opts.operation}"]`);
      await letters.waitFor({ timeout: 3 * WAIT_MS });
      steps.deadLettersListed = (await letters.locator('[data-field="pending"]').textContent()).trim();
      steps.deadLetterReason = (await letters.locator('td').nth(1).textContent()).trim();
      await row.getByRole('button', { name: 'Clear faults' }).click();
      await faults.filter({ hasText: /^none$/ }).waitFor({ timeout: WAIT_MS });
      await letters.getByRole('button', { name: `Replay the dead letters of ${opts.operation}` }).click();
      const replayed = page.locator('#notice').filter({ hasText: `${opts.operation}: replayed` });
      try {
        await replayed.waitFor({ timeout: WAIT_MS });
        steps.replayNotice = (await replayed.textContent()).trim();
      } catch (notReplayed) {
        failures.push(`no replay notice; error shown: "${(await error.isVisible()) ? await error.textContent() : ''}"`);
      }
      const listed = await (await fetch(new URL(`/deadletters?operation=${encodeURIComponent(opts.operation)}&limit=1000`,
        opts.url), { cache: 'no-store' })).json();
      steps.deadLettersInApi = listed.count;
      steps.deadLettersReplayedInApi = listed.deadLetters.filter((letter) => letter.replays > 0).length;
      if (!(steps.deadLettersReplayedInApi > 0)) failures.push(`GET /deadletters shows none replayed: ${JSON.stringify(listed).slice(0, 500)}`);
    }

    // 8. the chart, and orders.place's rate in the table
    const ordersRow = page.locator('#operations tr[data-operation="orders.place"]');
    try {
      await ordersRow.locator('td').nth(4).filter({ hasText: /(rpc|event) (0\.[1-9]|[1-9])/ }).waitFor({ timeout: WAIT_MS });
    } catch (noRate) {
      failures.push(`orders.place shows no rate: "${await ordersRow.locator('td').nth(4).textContent()}"`);
    }
    steps.ordersRate = (await ordersRow.locator('td').nth(4).textContent()).trim();
    steps.ordersP99 = (await ordersRow.locator('td').nth(5).textContent()).trim();
    const canvas = page.locator('#chart canvas').first();
    await canvas.waitFor({ timeout: WAIT_MS });
    steps.chart = await canvas.evaluate((drawn) => ({ width: drawn.width, height: drawn.height }));
    steps.chartLegend = await page.locator('#chart .u-legend .u-series .u-label').allTextContents();
    if (!(steps.chart.width > 0 && steps.chart.height > 0)) failures.push(`the chart canvas is ${JSON.stringify(steps.chart)}`);
    steps.deadLetters = (await page.locator('#deadletters-state').textContent()).trim();
    steps.errorVisibleAtEnd = await error.isVisible();
    if (steps.errorVisibleAtEnd) failures.push(`an error shows at the end: ${await error.textContent()}`);

    if (opts.screenshot) {
      await page.screenshot({ path: opts.screenshot, fullPage: true });
    }
    if (outside.length > 0) failures.push(`fetched from outside the node: ${outside.join(', ')}`);
    if (pageErrors.length > 0) failures.push(`page errors: ${pageErrors.join('; ')}`);
    if (consoleErrors.length > 0) failures.push(`console errors: ${consoleErrors.join('; ')}`);

    return {
      ok: failures.length === 0,
      failures,
      browser: browser.version(),
      steps,
      failedRequests,
      consoleErrors,
      pageErrors,
      outsideRequests: outside,
      screenshot: opts.screenshot ?? null,
    };
  } finally {
    await browser.close();
  }
}

require('./run-check').runCheck(options, check);
