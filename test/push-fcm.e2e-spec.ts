import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getMessaging } from 'firebase-admin/messaging';
import { FcmPushSender } from '../src/notifications/fcm-push.sender';
import type { PushNotification } from '../src/notifications/push-sender';
import { FakeFcm, fakeCredential, fcmError } from './helpers/fake-fcm';

const PROJECT_ID = 'test-project';

const notification: PushNotification = {
  title: 'New reply from Anna',
  body: 'Your card is on its way',
  data: { type: 'conversation_reply', conversationId: 'conv-fcm-1', eventId: '42' },
  badge: 3,
  button: 'Open',
};

describe('FCM push through firebase-admin (e2e, loopback FCM)', () => {
  const fcm = new FakeFcm();
  let firebase: App;
  let sender: FcmPushSender;

  beforeAll(async () => {
    await fcm.start();
    // The SDK itself, with a fake credential and an agent that reaches the loopback server.
    firebase = initializeApp({ credential: fakeCredential, projectId: PROJECT_ID, httpAgent: fcm.agent() }, 'fcm-loopback-test');
    const messaging = getMessaging(firebase);
    // HTTP/1.1: the HTTP/2 transport opens its own sessions and ignores httpAgent.
    messaging.enableLegacyHttpTransport();
    sender = new FcmPushSender(messaging, { maxAttempts: 3 });
  });
  afterAll(async () => {
    await deleteApp(firebase);
    await fcm.close();
  });

  it('sends one FCM v1 message per token, authorised, with the collapse key, tag, thread and badge', async () => {
    const outcome = await sender.send(['token-a', 'token-b'], notification);

    expect(outcome).toEqual({ delivered: 2, deadTokens: [], failed: 0 });
    expect(fcm.requests.map((request) => request.body.message.token).sort()).toEqual(['token-a', 'token-b']);
    const [request] = fcm.requestsFor('token-a');
    expect(request.path).toBe(`/v1/projects/${PROJECT_ID}/messages:send`);
    expect(request.authorization).toBe('Bearer fake-fcm-access-token');
    expect(request.body.message).toEqual({
      token: 'token-a',
      notification: { title: 'New reply from Anna', body: 'Your card is on its way' },
      data: { type: 'conversation_reply', conversationId: 'conv-fcm-1', eventId: '42' },
      android: { priority: 'high', collapse_key: 'c_conv-fcm-1', notification: { tag: 'c_conv-fcm-1', notification_count: 3 } },
      apns: {
        headers: { 'apns-collapse-id': 'c_conv-fcm-1' },
        payload: { aps: { badge: 3, 'thread-id': 'c_conv-fcm-1', sound: 'default' } },
      },
    });
  });

  it('reports dead tokens, retries retryable errors and gives up on the rest', async () => {
    fcm.answer('token-unregistered', fcmError(404, 'NOT_FOUND', 'UNREGISTERED', 'Requested entity was not found.'));
    fcm.answer('token-mismatched', fcmError(403, 'PERMISSION_DENIED', 'SENDER_ID_MISMATCH', 'SenderId mismatch'));
    fcm.answer(
      'token-invalid',
      fcmError(400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT', 'The registration token is not a valid FCM registration token'),
    );
    fcm.answer('token-bad-message', fcmError(400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT', 'Invalid value at message.data'));
    fcm.answer('token-flaky', fcmError(500, 'INTERNAL', 'INTERNAL', 'Internal error'));
    fcm.requests.length = 0;

    const outcome = await sender.send(
      ['token-a', 'token-unregistered', 'token-mismatched', 'token-invalid', 'token-bad-message', 'token-flaky'],
      {
        ...notification,
        data: { type: 'ticket_state', ticketId: '77', eventId: '43' },
      },
    );

    expect(outcome.deadTokens.sort()).toEqual(['token-invalid', 'token-mismatched', 'token-unregistered']);
    expect(outcome).toMatchObject({ delivered: 2, failed: 1 });
    expect(fcm.requestsFor('token-flaky')).toHaveLength(2);
    expect(fcm.requestsFor('token-unregistered')).toHaveLength(1);
    // A ticket's pushes collapse per ticket.
    expect(fcm.requestsFor('token-a')[0].body.message.android?.collapse_key).toBe('t_77');
  });
});
