// Telegram's side of the Mini App through @telegram-apps/sdk: launch parameters (init data, start
// parameter, theme), the back button and haptics. Outside Telegram every call is a no-op.
import {
  type RetrieveLPResult,
  backButton,
  hapticFeedback,
  init,
  miniApp,
  retrieveLaunchParams,
  retrieveRawInitData,
  themeParams,
} from '@telegram-apps/sdk';

export interface TelegramContext {
  // Raw init data for POST /auth/telegram; undefined outside Telegram.
  initData: string | undefined;
  // `c_<conversationId>` / `t_<ticketId>` from the link or push button that opened the app.
  startParam: string | undefined;
  inTelegram: boolean;
}

export function startTelegram(): TelegramContext {
  let launchParams: RetrieveLPResult;
  try {
    launchParams = retrieveLaunchParams();
  } catch {
    return { initData: undefined, startParam: undefined, inTelegram: false };
  }
  // Each part on its own: a client lacking one (an old Telegram version, no bridge) keeps the rest.
  attempt(() => init());
  attempt(() => {
    themeParams.mountSync();
    themeParams.bindCssVars();
  });
  attempt(() => backButton.mount());
  attempt(() => miniApp.mountSync());
  attempt(() => miniApp.ready());
  const initData = retrieveRawInitData();
  const fromInitData = initData ? (new URLSearchParams(initData).get('start_param') ?? undefined) : undefined;
  return { initData, startParam: launchParams.tgWebAppStartParam ?? fromInitData, inTelegram: true };
}

function attempt(action: () => void): void {
  try {
    action();
  } catch (error) {
    console.warn('Telegram bridge:', error);
  }
}

// Shows Telegram's back button while there is somewhere to go back to.
export function bindBackButton(visible: boolean, onBack: () => void): () => void {
  if (!backButton.isMounted()) return () => undefined;
  if (!visible) {
    attempt(() => backButton.hide());
    return () => undefined;
  }
  attempt(() => backButton.show());
  return backButton.onClick(onBack);
}

export const haptics = {
  tap: () => attempt(() => hapticFeedback.impactOccurred.ifAvailable('light')),
  success: () => attempt(() => hapticFeedback.notificationOccurred.ifAvailable('success')),
  error: () => attempt(() => hapticFeedback.notificationOccurred.ifAvailable('error')),
};
