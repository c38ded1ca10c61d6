import { ClientMessagesService } from '../src/messages/client-messages.service';
import { startTestApp, type TestApp } from './helpers/app';

describe(ClientMessagesService.name, () => {
  let testApp: TestApp;
  let service: ClientMessagesService;
  beforeAll(async () => {
    testApp = await startTestApp();
    service = testApp.app.get(ClientMessagesService);
  });
  afterAll(() => testApp.close());

  const key = (clientMessageId: string) => ({ userId: 'u1', clientMessageId, scope: 'conversation.reply' as const, targetId: 'c1' });

  it('runs the work once for racing duplicates and replays the first result', async () => {
    let calls = 0;
    const work = async () => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 150));
      return { result: { id: `part-${calls}` }, partId: `part-${calls}` };
    };
    const results = await Promise.all(Array.from({ length: 5 }, () => service.runOnce(key('m-1'), work)));
    expect(calls).toBe(1);
    expect(results).toEqual(Array.from({ length: 5 }, () => ({ id: 'part-1' })));
    await expect(service.runOnce(key('m-1'), work)).resolves.toEqual({ id: 'part-1' });
    expect(calls).toBe(1);
    await expect(service.clientMessageIdsFor('u1', 'c1')).resolves.toEqual(new Map([['part-1', 'm-1']]));
  });

  it('frees the key when the first attempt fails, so a retry does the work', async () => {
    await expect(service.runOnce(key('m-2'), () => Promise.reject(new Error('Intercom down')))).rejects.toThrow('Intercom down');
    await expect(service.runOnce(key('m-2'), async () => ({ result: 'ok' }))).resolves.toBe('ok');
  });

  it('refuses to reuse an id for another target', async () => {
    await service.runOnce(key('m-3'), async () => ({ result: 'first' }));
    await expect(service.runOnce({ ...key('m-3'), targetId: 'other' }, async () => ({ result: 'second' }))).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('runs every time without a clientMessageId', async () => {
    let calls = 0;
    const work = async () => ({ result: (calls += 1) });
    await service.runOnce({ ...key('x'), clientMessageId: undefined }, work);
    await service.runOnce({ ...key('x'), clientMessageId: undefined }, work);
    expect(calls).toBe(2);
  });
});
