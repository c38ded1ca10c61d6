import chromium from '@sparticuz/chromium';
import puppeteer, { type Browser } from 'puppeteer-core';

// Headless Chromium from npm alone (@sparticuz/chromium ships the binary) driven by puppeteer-core.
// Our own flags instead of the package's defaults, which include --disable-web-security (we want
// the browser's real CORS and same-origin rules) and --single-process.
const FLAGS = [
  '--headless=new',
  '--no-sandbox', // tests run as root here
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--no-default-browser-check',
  // The machine has no network beyond loopback: no background fetches, updates or sync.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-domain-reliability',
  '--no-pings',
  '--font-render-hinting=none',
];

export async function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: await chromium.executablePath(),
    headless: true,
    args: FLAGS,
    defaultViewport: { width: 390, height: 780, deviceScaleFactor: 1 },
  });
}
