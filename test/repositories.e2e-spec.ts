import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ConversationTopic } from '../src/conversations/conversation-topic.entity';
import { ConversationsRepository } from '../src/conversations/conversations.repository';
import { CsatRepository } from '../src/csat/csat.repository';
import { dataSourceOptions } from '../src/database/data-source-options';
import { runMigrationsLocked } from '../src/database/migrate';
import { DevicesRepository } from '../src/devices/devices.repository';
import { EventsRepository } from '../src/events/events.repository';
import { FilesRepository } from '../src/files/files.repository';
import { IntercomRepository } from '../src/intercom/intercom.repository';
import { ClientMessage } from '../src/messages/client-message.entity';
import { MessagesRepository } from '../src/messages/messages.repository';
import { NotificationsRepository } from '../src/notifications/notifications.repository';
import { UnreadIndexRepository } from '../src/unread-index/unread-index.repository';
import { UserLanguagesRepository } from '../src/user-languages/user-languages.repository';
import { WebhooksRepository } from '../src/webhooks/webhooks.repository';
import { createTestDatabase } from './helpers/database';

// Every repository method runs once against the migrated schema: what proves the column and table
// names in their SQL (the migration test proves the entities match the migrations). A method
// added without a call here fails the last test.
type RepositoryClass = abstract new (...args: never[]) => object;

const called = new Map<RepositoryClass, Set<string>>();

// The repository, recording which of its methods the tests call.
function recorded<T extends object>(type: RepositoryClass, instance: T): T {
  const names = new Set<string>();
  called.set(type, names);
  return new Proxy(instance, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value === 'function' && typeof property === 'string') names.add(property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('Repositories against the migrated schema', () => {
  let dataSource: DataSource;
  let devices: DevicesRepository;
  let languages: UserLanguagesRepository;
  let notifications: NotificationsRepository;
  let events: EventsRepository;
  let intercom: IntercomRepository;
  let unread: UnreadIndexRepository;
  let messages: MessagesRepository;
  let conversations: ConversationsRepository;
  let csat: CsatRepository;
  let webhooks: WebhooksRepository;
  let files: FilesRepository;
  const user = (name: string) => `repo-${name}-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(await createTestDatabase(), 2)).initialize();
    await runMigrationsLocked(dataSource);
    devices = recorded(DevicesRepository, new DevicesRepository(dataSource));
    languages = recorded(UserLanguagesRepository, new UserLanguagesRepository(dataSource));
    notifications = recorded(NotificationsRepository, new NotificationsRepository(dataSource));
    events = recorded(EventsRepository, new EventsRepository(dataSource));
    intercom = recorded(IntercomRepository, new IntercomRepository(dataSource));
    unread = recorded(UnreadIndexRepository, new UnreadIndexRepository(dataSource));
    conversations = recorded(ConversationsRepository, new ConversationsRepository(dataSource.getRepository(ConversationTopic)));
    csat = recorded(CsatRepository, new CsatRepository(dataSource));
    webhooks = recorded(WebhooksRepository, new WebhooksRepository(dataSource));
    files = recorded(FilesRepository, new FilesRepository(dataSource));
    messages = recorded(MessagesRepository, new MessagesRepository(dataSource.getRepository(ClientMessage)));
  });

  afterAll(async () => {
    await dataSource?.destroy();
  });

  it('devices: register, list, settings, delete', async () => {
    const owner = user('devices');
    const first = await devices.register(owner, 'mobile', `token-${owner}-1`, 1);
    const second = await devices.register(owner, 'tma', `token-${owner}-2`, 1);
    expect(second.platform).toBe('tma');
    expect(await devices.devicesFor(owner)).toEqual([{ id: second.id, platform: 'tma', token: `token-${owner}-2` }]);
    expect(await devices.deleteOwned(owner, first.id)).toBe(false);
    expect(await devices.deleteOwned(owner, second.id)).toBe(true);
    await devices.register(owner, 'mobile', `token-${owner}-3`, 5);
    await devices.deleteToken('mobile', `token-${owner}-3`);
    expect(await devices.devicesFor(owner)).toEqual([]);

    expect(await devices.settingsFor(owner)).toBeUndefined();
    const stored = await devices.upsertSettings(owner, { chatMessages: false, ticketUpdates: null, systemNotices: null });
    expect(stored).toEqual({ chat_messages: false, ticket_updates: true, system_notices: true });
    expect(await devices.settingsFor(owner)).toEqual(stored);
    const of = await devices.settingsOf(dataSource, [owner, user('nobody')]);
    expect([...of.values()]).toEqual([expect.objectContaining({ user_id: owner, chat_messages: false, ticket_updates: true })]);
  });

  it('user languages: remembered and read back', async () => {
    const owner = user('languages');
    await languages.setTelegram(owner, 'ru');
    await languages.setContactLocale(owner, 'de');
    const of = await languages.languagesOf(dataSource, [owner]);
    expect(of.get(owner)).toEqual(expect.objectContaining({ telegram_language: 'ru', contact_locale: 'de' }));
  });

  it('notifications: deliveries decided, claimed, finished; stream presence', async () => {
    const owner = user('push');
    const decided = await notifications.insertDecided(dataSource, {
      userIds: [owner],
      sourceKeys: [`source-${owner}`],
      contents: [JSON.stringify({ kind: 'conversation_reply', title: 't', body: 'b' })],
      statuses: ['pending'],
      leaseMs: 0,
      eventIds: [null],
    });
    expect(decided).toEqual([{ id: expect.anything(), status: 'pending' }]);
    const id = String(decided[0].id);
    expect(await notifications.pendingDelivery(id)).toEqual(expect.objectContaining({ user_id: owner, event_id: null }));
    const claimed = await notifications.claimExpired(60_000, 50);
    expect(claimed.map((row) => String(row.id))).toContain(id);
    await notifications.finishDelivery(id, 'sent');
    expect(await notifications.pendingDelivery(id)).toBeUndefined();

    const here = randomUUID();
    const elsewhere = randomUUID();
    await notifications.presenceOpened(owner, elsewhere);
    await notifications.refreshPresence(elsewhere);
    expect(await notifications.streamingElsewhere(owner, here, 30)).toBe(true);
    await notifications.presenceClosed(owner, elsewhere);
    expect(await notifications.streamingElsewhere(owner, here, 30)).toBe(false);
    await notifications.presenceOpened(owner, elsewhere);
    await notifications.dropInstancePresence(elsewhere);
    expect(await notifications.streamingElsewhere(owner, here, 30)).toBe(false);
  });

  it('events: append, head, read after, prune; stream tickets', async () => {
    const owner = user('events');
    const appended = await events.transaction((db) =>
      events.append(db, [
        { userId: owner, type: 'unread.changed', payload: { total: 1 }, dedupeKey: 'once' },
        { userId: owner, type: 'unread.changed', payload: { total: 2 } },
      ]),
    );
    expect(appended.map((row) => Number(row.seq))).toEqual([1, 2]);
    expect(await events.append(dataSource, [{ userId: owner, type: 'unread.changed', payload: {}, dedupeKey: 'once' }])).toEqual([]);
    expect(await events.head(owner)).toEqual({ last_seq: '2', pruned_through: '0' });
    expect((await events.after(owner, 1, 10)).map((row) => [row.seq, row.type, JSON.parse(row.payload)])).toEqual([
      ['2', 'unread.changed', { total: 2 }],
    ]);
    expect(
      (
        await events.afterEach(
          [
            { userId: owner, seq: 0 },
            { userId: user('events-none'), seq: 0 },
          ],
          10,
        )
      ).map((row) => [row.user_id, row.seq]),
    ).toEqual([
      [owner, '1'],
      [owner, '2'],
    ]);
    expect(await events.pruneBatch(1, 10)).toBe(0);

    await events.insertTicket(`hash-${owner}`, owner, new Date(Date.now() + 60_000));
    await events.insertTicket(`old-${owner}`, owner, new Date(Date.now() - 60_000));
    await events.deleteExpiredTickets();
    expect(await events.takeTicket(`old-${owner}`)).toBeUndefined();
    expect(await events.takeTicket(`hash-${owner}`)).toEqual({ user_id: owner, live: true });
    expect(await events.takeTicket(`hash-${owner}`)).toBeUndefined();
  });

  it('intercom contacts: remembered once, looked up both ways', async () => {
    const owner = user('contact');
    expect(await intercom.contactIdOf(owner)).toBeUndefined();
    await intercom.rememberContact(owner, `contact-${owner}`);
    await intercom.rememberContact(owner, 'another');
    expect(await intercom.contactIdOf(owner)).toBe(`contact-${owner}`);
    expect(await intercom.usersOfContacts([`contact-${owner}`])).toEqual([owner]);
  });

  it('unread index: messages, reads, counts, warm users', async () => {
    const owner = user('unread');
    await unread.transaction((db) => unread.setReadMark(db, owner, 'c1', 2_000));
    const inserted = await unread.insertMessages(dataSource, [owner], 'c1', { partIds: ['p1', 'p2'], createdAts: [1_000, 5_000] });
    expect(inserted.map((row) => row.read).sort()).toEqual([false, true]);
    expect(await unread.unreadByConversation(owner)).toEqual([{ conversation_id: 'c1', unread: 1 }]);
    expect(await unread.counts(dataSource, [owner], 'c1')).toEqual([{ user_id: owner, total: 1, unread_count: 1 }]);
    expect(await unread.markSeenUpTo(dataSource, owner, 'c1', 4_000)).toBe(false);
    expect(await unread.markSeen(dataSource, owner, 'c1', { partIds: ['p2', 'p3'], createdAts: [5_000, 6_000] })).toBe(true);
    expect(await unread.markSeenUpTo(dataSource, owner, 'c1', 9_000)).toBe(false);
    expect(await unread.isWarm(owner)).toBe(false);
    await unread.markWarm(owner);
    expect(await unread.isWarm(owner)).toBe(true);
    // Counted with the rows the same statement inserted (and what was unread before, here and elsewhere).
    const [counted, other] = [user('unread-counted'), user('unread-other')];
    await unread.insertMessages(dataSource, [counted], 'c2', { partIds: ['q1'], createdAts: [5_000] });
    const parts = { partIds: ['p1', 'p4'], createdAts: [1_000, 7_000] };
    expect(await unread.insertMessagesCounted(dataSource, [counted, other], 'c1', parts)).toEqual(
      expect.arrayContaining([
        { user_id: counted, total: 3, unread_count: 2 },
        { user_id: other, total: 2, unread_count: 2 },
      ]),
    );
    expect(await unread.insertMessagesCounted(dataSource, [counted, other], 'c1', parts)).toEqual([]);
  });

  it('client messages: claimed once, completed, taken over, released', async () => {
    const owner = user('messages');
    const row = { userId: owner, clientMessageId: 'm1', scope: 'conversation.reply', targetId: 'c1' };
    const id = await messages.claim(row);
    expect(id).toBeDefined();
    expect(await messages.claim(row)).toBeUndefined();
    expect(await messages.takeOver(id!, new Date(Date.now() - 60_000))).toBe(false);
    expect(await messages.takeOver(id!, new Date(Date.now() + 60_000))).toBe(true);
    await messages.complete(id!, { result: { ok: true }, partId: 'p1' });
    expect(await messages.find(owner, 'm1')).toEqual(expect.objectContaining({ state: 'done', result: { ok: true }, targetId: 'c1' }));
    expect(await messages.doneFor(owner, 'c1')).toEqual([{ partId: 'p1', clientMessageId: 'm1' }]);
    expect(await messages.doneForTargets(['c1', 'c-none'])).toEqual(
      expect.arrayContaining([{ targetId: 'c1', partId: 'p1', clientMessageId: 'm1' }]),
    );
    const pending = await messages.claim({ ...row, clientMessageId: 'm2' });
    await messages.release(pending!);
    expect(await messages.find(owner, 'm2')).toBeNull();
  });

  it('conversations: the topic a conversation was started with', async () => {
    const owner = user('topic');
    expect(await conversations.topicOf(`c-${owner}`)).toBeNull();
    await conversations.saveTopic({ conversationId: `c-${owner}`, userId: owner, main: 'Payments', sub: null });
    expect(await conversations.topicOf(`c-${owner}`)).toEqual(expect.objectContaining({ userId: owner, main: 'Payments', sub: null }));
    expect((await conversations.topicsOf([`c-${owner}`, `c-none-${owner}`])).map((topic) => topic.conversationId)).toEqual([`c-${owner}`]);
  });

  it('csat: ratings once, read back, given up, cleared, deleted; complaints', async () => {
    const owner = user('csat');
    const rating = { userId: owner, ticketId: null, conversationId: `c-${owner}`, stars: 4, comment: 'ok' };
    const id = await csat.insertRating(rating);
    expect(id).toBeDefined();
    expect(await csat.insertRating(rating)).toBeUndefined();
    expect(await csat.insertRating({ ...rating, conversationId: null, ticketId: `t-${owner}` })).toBeDefined();
    expect(await csat.ratedConversationIds(owner, [`c-${owner}`, 'other'])).toEqual([`c-${owner}`]);
    expect(await csat.ratedTicketIds(owner, [`t-${owner}`])).toEqual([`t-${owner}`]);
    expect(await csat.ratingForConversation(owner, `c-${owner}`)).toEqual({ stars: 4, comment: 'ok', created_at: expect.any(Date) });
    expect(await csat.clearGivenUp(id!)).toBeUndefined();
    const before = await csat.countGivenUp();
    await csat.markGivenUp(id!, 'refused');
    expect(await csat.countGivenUp()).toBe(before + 1);
    expect(await csat.givenUp(1000)).toContainEqual({
      id,
      conversation_id: `c-${owner}`,
      tag_error: 'refused',
      tag_failed_at: expect.any(Date),
    });
    expect(await csat.clearGivenUp(id!)).toEqual({ user_id: owner, conversation_id: `c-${owner}` });
    await csat.deleteRating(id!);
    expect(await csat.ratingForConversation(owner, `c-${owner}`)).toBeUndefined();
    expect(await csat.insertComplaint({ userId: owner, category: 'other', description: 'text', chatId: null, dialogId: null })).toEqual(
      expect.any(String),
    );
  });

  it('webhooks: the inbox from acknowledgement to processed, failed, replayed, expired', async () => {
    const id = `notif-${randomUUID()}`;
    const other = `notif-${randomUUID()}`;
    expect(await webhooks.insert(id, 'conversation.admin.replied', { id })).toBe(true);
    expect(await webhooks.insert(id, 'conversation.admin.replied', { id })).toBe(false);
    expect(await webhooks.insert(other, 'ping', {})).toBe(true);
    expect(await webhooks.backlog()).toEqual({ backlog: 2, oldest_age: expect.any(Number), failed: 0 });
    const runner = await webhooks.connect();
    try {
      await runner.startTransaction();
      const due = await webhooks.claimDue(runner.manager, 10);
      expect(due.map((event) => event.id).sort()).toEqual([id, other].sort());
      expect(due.find((event) => event.id === id)).toEqual({ id, topic: 'conversation.admin.replied', payload: { id }, attempts: 0 });
      await webhooks.savepoint(runner.manager);
      await webhooks.rollbackToSavepoint(runner.manager);
      await webhooks.markFailed(runner.manager, other, { attempts: 1, error: 'boom', delayMs: 0, final: true });
      await webhooks.nextSavepoint(runner.manager);
      await webhooks.markProcessed(runner.manager, [id]);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
    expect(await webhooks.failed(10)).toEqual([{ id: other, topic: 'ping', attempts: 1, last_error: 'boom', failed_at: expect.any(Date) }]);
    expect(await webhooks.replay(id)).toBe(false);
    expect(await webhooks.replay(other)).toBe(true);
    expect(await webhooks.backlog()).toEqual({ backlog: 1, oldest_age: expect.any(Number), failed: 0 });
    await webhooks.deleteExpired(0, 10);
    expect(await webhooks.insert(id, 'conversation.admin.replied', {})).toBe(true);
  });

  it('files: quota-checked insert, lookups, attach all or none, retention claim and delete', async () => {
    const owner = user('files');
    const file = (size: number) => ({
      id: randomUUID(),
      ownerId: owner,
      storageKey: `files/test/${randomUUID()}`,
      contentType: 'image/png',
      size,
      name: 'a.png',
    });
    const [first, second] = [file(10), file(20)];
    expect(await files.insertWithinQuota(owner, [first, second], 30)).toBe(true);
    expect(await files.insertWithinQuota(owner, [file(1)], 30)).toBe(false);
    expect(await files.usedBytes(owner)).toBe(30);
    expect(await files.findLive(first.id, owner)).toEqual(first);
    expect(await files.findLive(first.id, 'someone-else')).toBeUndefined();
    expect(await files.findLive(second.id)).toEqual(second);
    expect(await files.attachAll([first.id, randomUUID()], owner)).toBeUndefined();
    expect(await files.attachAll([first.id], owner)).toEqual([{ id: first.id, content_type: 'image/png', name: 'a.png' }]);
    await files.claimUnattached(0);
    expect(await files.findLive(second.id)).toBeUndefined();
    expect(await files.findLive(first.id)).toEqual(first);
    const claimed = await files.claimedAfter('00000000-0000-0000-0000-000000000000', 100);
    expect(claimed).toContainEqual({ id: second.id, storage_key: second.storageKey });
    expect(await files.deleteClaimed([second.id, first.id])).toBe(1);
  });

  it('has called every method of every repository in src/', () => {
    const files = (directory: string): string[] =>
      readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? files(join(directory, entry.name)) : entry.name.endsWith('.repository.ts') ? [entry.name] : [],
      );
    // devices.repository.ts ↔ DevicesRepository, user-languages.repository.ts ↔ UserLanguagesRepository, …
    const covered = [...called.keys()].map((type) => type.name.replace(/Repository$/, '').toLowerCase()).sort();
    const present = files(join(__dirname, '..', 'src')).map((name) => name.replace(/\.repository\.ts$/, '').replaceAll('-', ''));
    expect(present.sort()).toEqual(covered);
    const missing = [...called].flatMap(([type, names]) =>
      Object.getOwnPropertyNames(type.prototype)
        .filter((name) => name !== 'constructor' && !names.has(name))
        .map((name) => `${type.name}.${name}`),
    );
    expect(missing).toEqual([]);
  });
});
