import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getMessaging } from 'firebase-admin/messaging';
import { DataSource } from 'typeorm';
import { FcmPushSender } from '../../src/notifications/fcm-push.sender';
import { PushChannels } from '../../src/notifications/push-channels';
import { PushDispatcherService } from '../../src/notifications/push-dispatcher.service';
import type { PushSender } from '../../src/notifications/push-sender';
import type { TestApp } from './app';
import { type FakeFcm, fakeCredential } from './fake-fcm';
import { waitFor } from './wait';

// firebase-admin itself (fake credential, an agent that reaches the loopback FCM), as the app's
// mobile sender. FCM is the process edge: nothing else can stand in for Google here.
export function useLoopbackFcm(app: TestApp, fcm: FakeFcm, name: string): { close(): Promise<void> } {
  const firebase: App = initializeApp({ credential: fakeCredential, projectId: 'test-project', httpAgent: fcm.agent() }, name);
  const messaging = getMessaging(firebase);
  // HTTP/1.1: the HTTP/2 transport opens its own sessions and ignores httpAgent.
  messaging.enableLegacyHttpTransport();
  // Its mobile sender is swapped in place: the app was built from a config that sends to FCM nowhere.
  const channels = app.app.get<PushChannels, { senders: Record<string, PushSender> }>(PushChannels);
  channels.senders.mobile = new FcmPushSender(messaging, { maxAttempts: 3 });
  return { close: () => deleteApp(firebase) };
}

// Drain to idle: every recorded webhook processed (or given up), no push pending or being sent.
export async function drainPushes(...apps: TestApp[]): Promise<void> {
  const dataSource = apps[0].app.get(DataSource);
  await waitFor(async () => {
    const [{ due }] = await dataSource.query<{ due: number }[]>(
      `SELECT (SELECT count(*) FROM webhook_events WHERE processed_at IS NULL AND failed_at IS NULL)
            + (SELECT count(*) FROM push_deliveries WHERE status = 'pending') AS due`,
    );
    return Number(due) === 0 ? true : undefined;
  }, 20_000);
  await Promise.all(apps.map((app) => app.app.get(PushDispatcherService).idle()));
}
