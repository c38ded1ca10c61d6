import type { LiveSubscription, SupportClient, SupportEvent } from '@support-bff/sdk';

type Listener = (event: SupportEvent) => void;

// One live subscription for the whole app; screens listen to it while they are shown.
export class LiveEvents {
  private readonly listeners = new Set<Listener>();
  private subscription: LiveSubscription | null = null;

  constructor(private readonly client: SupportClient) {}

  start(): void {
    this.subscription ??= this.client.live((event) => this.listeners.forEach((listener) => listener(event)));
  }

  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // The poll fallback follows the conversation on screen.
  watch(conversationId: string, since: number): () => void {
    this.subscription?.watch(conversationId, since);
    return () => this.subscription?.unwatch(conversationId);
  }
}
