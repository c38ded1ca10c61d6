import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getMessaging } from 'firebase-admin/messaging';
import { DataSource } from 'typeorm';
import { DevicesService } from '../src/devices/devices.service';
import type { IntercomConversation } from '../src/intercom/intercom.service';
import { FcmPushSender } from '../src/notifications/fcm-push.sender';
import { LogPushSender } from '../src/notifications/log-push.sender';
import { NotificationsService } from '../src/notifications/notifications.service';
import type { PushChannels } from '../src/notifications/push-channels';
import { type TestApp, startTestApp } from './helpers/app';
import { FakeFcm, fakeCredential, fcmError } from './helpers/fake-fcm';
import { bearer, sessionTokenFor } from './helpers/sessions';
import { MetricsService } from '../src/metrics/metrics.service';

const USER_ID = 'user-fcm';
const PROJECT_ID = 'test-project';

const conversation = (id: string): IntercomConversation =>
  ({
    type: 'conversation',
    id,
    contacts: { type: 'contact.list', contacts: [{ type: 'contact', id: 'contact-fcm', external_id: USER_ID }] },
    conversation_parts: {
      conversation_parts: [
        { id: 'p1', part_type: 'comment', body: '<p>Your card is on its way</p>', author: { type: 'admin', id: '1', name: 'Anna' } },
      ],
    },
  }) as unknown as IntercomConversation;

describe('FCM push through firebase-admin (e2e, loopback FCM)', () => {
  const fcm = new FakeFcm();
  let app: TestApp;
  let firebase: App;
  let notifications: NotificationsService;

  const register = async (token: string): Promise<void> => {
    const session = await sessionTokenFor(app, USER_ID);
    const response = await fetch(`${app.url}/api/devices/register`, {
      method: 'POST',
      headers: { ...bearer(session), 'content-type': 'application/json' },
      body: JSON.stringify({ platform: 'mobile', token }),
    });
    expect(response.status).toBe(200);
  };
  const tokensLeft = async (): Promise<string[]> =>
    (await app.app.get(DevicesService).devicesFor(USER_ID)).map((device) => device.token).sort();

  beforeAll(async () => {
    await fcm.start();
    app = await startTestApp();
    // The SDK itself, with a fake credential and an agent that reaches the loopback server.
    firebase = initializeApp({ credential: fakeCredential, projectId: PROJECT_ID, httpAgent: fcm.agent() }, 'fcm-loopback-test');
    const messaging = getMessaging(firebase);
    // HTTP/1.1: the HTTP/2 transport opens its own sessions and ignores httpAgent.
    messaging.enableLegacyHttpTransport();
    const sender = new FcmPushSender(messaging, { maxAttempts: 3 });
    const channels = {
      sender: (platform: string) => (platform === 'mobile' ? sender : new LogPushSender('tma')),
    } as unknown as PushChannels;
    notifications = new NotificationsService(
      app.app.get(DevicesService),
      channels,
      app.app.get(DataSource),
      app.config,
      app.app.get(MetricsService),
    );
  });
  afterAll(async () => {
    await deleteApp(firebase);
    await app.close();
    await fcm.close();
  });

  it('multicasts to every mobile token of the user with the notification and deep-link data', async () => {
    await register('token-a');
    await register('token-b');
    await notifications.notifyConversation('conversation_reply', conversation('conv-fcm-1'));

    expect(fcm.requests.map((request) => request.body.message.token).sort()).toEqual(['token-a', 'token-b']);
    const [request] = fcm.requestsFor('token-a');
    expect(request.path).toBe(`/v1/projects/${PROJECT_ID}/messages:send`);
    expect(request.authorization).toBe('Bearer fake-fcm-access-token');
    expect(request.body.message).toMatchObject({
      token: 'token-a',
      notification: { title: 'New reply from Anna', body: 'Your card is on its way' },
      data: { type: 'conversation_reply', conversationId: 'conv-fcm-1' },
      android: { priority: 'high' },
    });
  });

  it('deletes dead tokens, retries retryable errors and keeps the rest', async () => {
    await register('token-unregistered');
    await register('token-mismatched');
    await register('token-invalid');
    await register('token-bad-message');
    await register('token-flaky');
    fcm.answer('token-unregistered', fcmError(404, 'NOT_FOUND', 'UNREGISTERED', 'Requested entity was not found.'));
    fcm.answer('token-mismatched', fcmError(403, 'PERMISSION_DENIED', 'SENDER_ID_MISMATCH', 'SenderId mismatch'));
    fcm.answer(
      'token-invalid',
      fcmError(400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT', 'The registration token is not a valid FCM registration token'),
    );
    fcm.answer('token-bad-message', fcmError(400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT', 'Invalid value at message.data'));
    fcm.answer('token-flaky', fcmError(500, 'INTERNAL', 'INTERNAL', 'Internal error'));
    fcm.requests.length = 0;

    await notifications.notifyConversation('conversation_reply', conversation('conv-fcm-2'));

    expect(await tokensLeft()).toEqual(['token-a', 'token-b', 'token-bad-message', 'token-flaky']);
    expect(fcm.requestsFor('token-flaky')).toHaveLength(2);
    expect(fcm.requestsFor('token-unregistered')).toHaveLength(1);
    expect(fcm.requestsFor('token-a')).toHaveLength(1);
  });
});
