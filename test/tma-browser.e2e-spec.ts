import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { TMA_DIST_DIR } from '../scripts/tma-build';
import { launchBrowser } from './helpers/browser';
import { png } from './helpers/file-samples';
import { callJson } from './helpers/http';
import { type TestStack, signIn, startTestStack } from './helpers/stack';
import { signedInitData } from './helpers/telegram-init-data';

const LIGHT = {
  bg_color: '#ffffff',
  text_color: '#000000',
  hint_color: '#707579',
  link_color: '#3390ec',
  button_color: '#3390ec',
  button_text_color: '#ffffff',
  secondary_bg_color: '#f4f4f5',
};
const DARK = {
  bg_color: '#17212b',
  text_color: '#f5f5f5',
  hint_color: '#708499',
  link_color: '#6ab3f3',
  button_color: '#5288c1',
  button_text_color: '#ffffff',
  secondary_bg_color: '#232e3c',
};
// Screenshots for the README: TMA_SCREENSHOTS_DIR=docs/screenshots npm test -- test/tma-browser.
const SCREENSHOTS = process.env.TMA_SCREENSHOTS_DIR ?? mkdtempSync(join(tmpdir(), 'tma-screens-'));

// The reference Mini App in real headless Chromium, opened the way Telegram opens it: signed launch
// parameters in the URL fragment. Driven by accessible names only (api.md › Reference Telegram Mini App).
describe('Telegram Mini App in a browser (e2e)', () => {
  let stack: TestStack;
  let browser: Browser;
  beforeAll(async () => {
    [stack, browser] = await Promise.all([startTestStack({ POLL_FRESHNESS_MS: '0', TMA_DIR: TMA_DIST_DIR }), launchBrowser()]);
    stack.app.config.publicBaseUrl = stack.app.url;
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  function launchUrl(telegramUserId: number, options: { theme?: Record<string, string>; startParam?: string } = {}): string {
    const extra: Record<string, string> = options.startParam ? { start_param: options.startParam } : {};
    const initData = signedInitData(stack.app.config.telegram.botToken, { id: telegramUserId, first_name: 'Tia' }, extra);
    const fragment = new URLSearchParams({
      tgWebAppData: initData,
      tgWebAppVersion: '8.0',
      tgWebAppPlatform: 'tdesktop',
      tgWebAppThemeParams: JSON.stringify(options.theme ?? LIGHT),
      ...(options.startParam ? { tgWebAppStartParam: options.startParam } : {}),
    });
    return `${stack.app.url}/tma/#${fragment.toString()}`;
  }

  async function newPage(): Promise<Page> {
    const page = await browser.newPage();
    // Telegram's mobile clients inject this bridge into the web view; ours records what the app asks.
    await page.evaluateOnNewDocument(() => {
      const events: { name: string; data: unknown }[] = [];
      Object.assign(globalThis, {
        telegramEvents: events,
        TelegramWebviewProxy: { postEvent: (name: string, data: string) => events.push({ name, data: data ? JSON.parse(data) : null }) },
      });
    });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => process.stderr.write(`page error: ${String(error)}\n`));
    return page;
  }

  async function open(url: string, colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; msToList: number }> {
    const page = await newPage();
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: colorScheme }]);
    const started = Date.now();
    await page.goto(url);
    await page.waitForSelector('aria/Conversations[role="list"]');
    return { page, msToList: Date.now() - started };
  }

  // Telegram's back button lives in Telegram's header: the app shows it, Telegram reports the press.
  async function pressTelegramBack(page: Page): Promise<void> {
    await page.waitForFunction(() => {
      const events = (globalThis as unknown as { telegramEvents: { name: string; data: { is_visible?: boolean } }[] }).telegramEvents;
      return events.filter((event) => event.name === 'web_app_setup_back_button').at(-1)?.data.is_visible === true;
    });
    await page.evaluate(() =>
      (
        globalThis as unknown as { Telegram: { WebView: { receiveEvent(name: string, data: unknown): void } } }
      ).Telegram.WebView.receiveEvent('back_button_pressed', null),
    );
  }
  const telegramEventNames = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as { telegramEvents: { name: string }[] }).telegramEvents.map((event) => event.name));

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  const click = async (page: Page, selector: string) => (await page.waitForSelector(selector))!.click();

  it('starts a conversation with an image, gets the operator reply live, closes and rates it', async () => {
    const { page, msToList } = await open(launchUrl(8101));
    process.stdout.write(`Mini App: /tma/ opened to the conversation list in ${msToList} ms\n`);

    await click(page, 'aria/New conversation[role="button"]');
    await (await page.waitForSelector('aria/Message[role="textbox"]'))!.type('My card was declined');
    const imagePath = join(mkdtempSync(join(tmpdir(), 'tma-upload-')), 'receipt.png');
    writeFileSync(imagePath, png(24, 24));
    // Chromium names the file input "Attach" (its label), but puppeteer's aria/ query does not reach
    // file inputs: tap the label, as a user does, and answer the file chooser.
    const [chooser] = await Promise.all([page.waitForFileChooser(), click(page, '::-p-text(Attach)')]);
    await chooser.accept([imagePath]);
    await page.waitForSelector('aria/Attachments[role="list"]');
    await click(page, 'aria/Send[role="button"]');
    await page.waitForSelector('aria/Close conversation[role="button"]');
    // The image made the round trip: uploaded, fetched by Intercom through its signed link, shown from there.
    // (Chromium reports role img as "image".)
    const image = await page.waitForSelector('aria/receipt.png[role="image"]');
    await page.waitForFunction(
      (element) =>
        (element as unknown as { complete: boolean; naturalWidth: number }).complete &&
        (element as unknown as { complete: boolean; naturalWidth: number }).naturalWidth === 24,
      {},
      image,
    );

    // The operator answers through Intercom's API (the emulator); the thread shows it without a reload.
    const { token } = await signIn(stack, 'tg:8101');
    const [conversation] = (
      await callJson<{ conversations: { id: string; title: string }[] }>(`${stack.app.url}/api/conversations`, 'GET', token)
    ).body.conversations;
    await stack.emulator.operator.reply(conversation.id, 'Thanks, we are checking the payment');
    await page.waitForSelector('text/Thanks, we are checking the payment');
    expect(await telegramEventNames(page)).toEqual(expect.arrayContaining(['web_app_ready', 'web_app_trigger_haptic_feedback']));
    await shot(page, 'thread-light');

    await click(page, 'aria/Close conversation[role="button"]');
    await page.waitForSelector('aria/5 stars[role="button"]');
    await shot(page, 'csat-light');
    await click(page, 'aria/5 stars[role="button"]');
    await page.waitForSelector('text/Thanks for your rating');
    const rated = await callJson(`${stack.app.url}/api/conversations/${conversation.id}`, 'GET', token);
    expect(rated.body).toMatchObject({ state: 'closed', rated: true, rating: expect.objectContaining({ stars: 5 }) });

    // Back on the list the conversation is a link named by its title; a reply made meanwhile shows as unread.
    await pressTelegramBack(page);
    await page.waitForSelector(`aria/${conversation.title}[role="link"]`);
    await click(page, 'aria/Tickets[role="button"]');
    await stack.emulator.operator.reply(conversation.id, 'One more thing: please retry now');
    await pressTelegramBack(page);
    await page.waitForSelector('aria/1 unread');
    await shot(page, 'conversations-light');
    await page.close();
  }, 60_000);

  it('opens a ticket from a t_<id> start parameter, with its status timeline', async () => {
    const { contactId } = await signIn(stack, 'tg:8102');
    const ticket = await stack.emulator.operator.createTicket(contactId, 'Customer', 'Withdrawal pending', 'Sent 2 days ago');
    await stack.emulator.operator.setTicketState(String(ticket.id), 'in_progress');
    const page = await newPage();
    await page.goto(launchUrl(8102, { startParam: `t_${String(ticket.id)}` }));
    await page.waitForSelector('aria/Withdrawal pending[role="heading"]');
    await page.waitForSelector('aria/Status timeline[role="list"]');
    await shot(page, 'ticket-light');
    await (await page.waitForSelector('aria/Message[role="textbox"]'))!.type('Any news?');
    await click(page, 'aria/Send[role="button"]');
    await page.waitForSelector('text/Any news?');
    await page.close();
  }, 60_000);

  it('follows the dark theme from the launch parameters', async () => {
    const { contactId } = await signIn(stack, 'tg:8103');
    const { page } = await open(launchUrl(8103, { theme: DARK }), 'dark');
    const background = await page.evaluate(() => {
      const page = globalThis as any;
      return page.getComputedStyle(page.document.body).backgroundColor as string;
    });
    expect(background).toBe('rgb(23, 33, 43)');
    await click(page, 'aria/New conversation[role="button"]');
    await (await page.waitForSelector('aria/Message[role="textbox"]'))!.type('Where is my refund?');
    await click(page, 'aria/Send[role="button"]');
    await page.waitForSelector('aria/Close conversation[role="button"]');
    expect(contactId).toBeTruthy();
    await shot(page, 'thread-dark');
    await pressTelegramBack(page);
    await page.waitForSelector('aria/Conversations[role="list"]');
    await shot(page, 'conversations-dark');
    await page.close();
  }, 60_000);
});
