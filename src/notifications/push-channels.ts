import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type * as FirebaseApp from 'firebase-admin/app';
import type { App, ServiceAccount } from 'firebase-admin/app';
import type * as FirebaseMessaging from 'firebase-admin/messaging';
import type { AppConfig, FcmConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import type { DevicePlatform } from '../devices/device.entity';
import { FcmPushSender } from './fcm-push.sender';
import { LogPushSender } from './log-push.sender';
import type { PushSender } from './push-sender';
import { TelegramPushSender } from './telegram-push.sender';

function serviceAccount(fcm: FcmConfig): ServiceAccount {
  const json = fcm.serviceAccountJson ?? readFileSync(fcm.serviceAccountPath ?? '', 'utf8');
  return JSON.parse(json) as ServiceAccount;
}

// The sender of each platform, chosen by PUSH_MOBILE_SENDER / PUSH_TMA_SENDER. The Firebase App
// is initialised once here (its own name, so several Nest apps in one process do not collide).
@Injectable()
export class PushChannels implements OnApplicationShutdown {
  private readonly senders: Record<DevicePlatform, PushSender>;
  private readonly firebaseApp: App | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const { push, telegram } = config;
    let mobile: PushSender = new LogPushSender('mobile');
    if (push.mobileSender === 'fcm' && push.fcm) {
      // Loaded only when FCM is on: firebase-admin costs ~10 MB of memory to every process that loads it.
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { cert, initializeApp } = require('firebase-admin/app') as typeof FirebaseApp;
      const { getMessaging } = require('firebase-admin/messaging') as typeof FirebaseMessaging;
      /* eslint-enable @typescript-eslint/no-require-imports */
      this.firebaseApp = initializeApp(
        { credential: cert(serviceAccount(push.fcm)), projectId: push.fcm.projectId },
        `support-bff-${randomUUID()}`,
      );
      mobile = new FcmPushSender(getMessaging(this.firebaseApp), push);
    }
    const tma: PushSender =
      push.tmaSender === 'telegram' && telegram.miniAppUrl
        ? new TelegramPushSender({ botToken: telegram.botToken, apiBaseUrl: telegram.apiBaseUrl, miniAppUrl: telegram.miniAppUrl }, push)
        : new LogPushSender('tma');
    this.senders = { mobile, tma };
  }

  sender(platform: DevicePlatform): PushSender {
    return this.senders[platform];
  }

  async onApplicationShutdown(): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (this.firebaseApp) await (require('firebase-admin/app') as typeof FirebaseApp).deleteApp(this.firebaseApp);
  }
}
