#!/usr/bin/env node
// Opens an experiment's report.html in headless Chromium and checks that it renders as a reader sees it:
// the page loads, every plot image decodes (naturalWidth > 0), the title and every verdict are visible,
// and nothing is fetched from outside the file. Prints one JSON line; exits 0 when every check holds,
// 1 when one fails, 2 when the browser could not be driven.
//
//   node check-report.js --report PATH/report.html [--screenshot PATH.png] [--chromium /usr/bin/chromium]
'use strict';

const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { chromium } = require('playwright-core');

function options(argv) {
  const opts = { chromium: process.env.CHROMIUM || '/usr/bin/chromium' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!['report', 'screenshot', 'chromium'].includes(key) || argv[i + 1] === undefined) {
      throw new Error(`unknown or incomplete option ${argv[i]}`);
    }
    opts[key] = argv[i + 1];
  }
  if (!opts.report) {
    throw new Error('--report PATH is required');
  }
  return opts;
}

async function check(opts) {
  const browser = await chromium.launch({
    executablePath: opts.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const outside = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) {
        return route.continue();
      }
      outside.push(url);
      return route.abort();
    });
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));

    const url = pathToFileURL(path.resolve(opts.report)).href;
    const response = await page.goto(url, { waitUntil: 'load' });
    const result = await page.evaluate(() => {
      const images = [...document.images].map((img) => ({
        alt: img.alt,
        complete: img.complete,
        naturalWidth: img.naturalWidth,
        naturalHeight: img.naturalHeight,
        src: img.src.slice(0, 22),
      }));
      return {
        readyState: document.readyState,
        title: document.title,
        heading: document.querySelector('h1')?.textContent ?? null,
        images,
        scripts: document.scripts.length,
      };
    });
    const headingVisible = await page.locator('h1').first().isVisible();
    const verdictLocators = await page.locator('.verdict').all();
    const verdicts = [];
    for (const verdict of verdictLocators) {
      verdicts.push({ text: (await verdict.textContent()).trim(), visible: await verdict.isVisible() });
    }
    if (opts.screenshot) {
      await page.screenshot({ path: opts.screenshot, fullPage: true });
    }

    const broken = result.images.filter((img) => !img.complete || img.naturalWidth === 0);
    const failures = [];
    if (!response || !response.ok()) failures.push('the page did not load');
    if (result.readyState !== 'complete') failures.push(`readyState is ${result.readyState}`);
    if (!result.title || result.title !== result.heading || !headingVisible) failures.push('the title is missing or not shown');
    if (result.images.length === 0) failures.push('no images');
    if (broken.length > 0) failures.push(`${broken.length} image(s) did not render`);
    if (verdicts.length === 0 || verdicts.some((v) => !v.visible || !['PASS', 'FAIL'].includes(v.text))) {
      failures.push('a verdict is missing or hidden');
    }
    if (outside.length > 0) failures.push(`fetched from outside the file: ${outside.join(', ')}`);
    if (errors.length > 0) failures.push(`page errors: ${errors.join('; ')}`);

    return {
      ok: failures.length === 0,
      failures,
      browser: browser.version(),
      title: result.title,
      headingVisible,
      images: result.images.length,
      brokenImages: broken.length,
      imageSizes: result.images.map((img) => `${img.naturalWidth}x${img.naturalHeight}`),
      verdicts,
      scripts: result.scripts,
      outsideRequests: outside,
      screenshot: opts.screenshot ?? null,
    };
  } finally {
    await browser.close();
  }
}

require('./run-check').runCheck(options, check);
