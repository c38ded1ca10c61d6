import { type AddressInfo, type Socket, connect, createServer } from 'node:net';

// A TCP proxy in front of the BFF that can cut every connection at once, as a network drop does
// (the client sees its stream die mid-read), and hold new connections until it is restored, so a
// client's reconnect waits instead of failing into its poll fallback.
export class DroppableProxy {
  private readonly open = new Set<Socket>();
  private held: Socket[] = [];
  private down = false;
  private readonly server = createServer((client) => (this.down ? this.hold(client) : this.forward(client)));

  private constructor(private readonly upstream: URL) {}

  static async start(upstreamUrl: string): Promise<DroppableProxy> {
    const proxy = new DroppableProxy(new URL(upstreamUrl));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  // Destroys every connection (both sides) and holds new ones until restore().
  drop(): void {
    this.down = true;
    for (const socket of this.open) socket.destroy();
    this.open.clear();
  }

  restore(): void {
    this.down = false;
    const held = this.held;
    this.held = [];
    for (const client of held) if (!client.destroyed) this.forward(client);
  }

  async close(): Promise<void> {
    for (const socket of [...this.open, ...this.held]) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private hold(client: Socket): void {
    client.pause();
    client.on('error', () => undefined);
    this.held.push(client);
  }

  private forward(client: Socket): void {
    const server = connect(Number(this.upstream.port), this.upstream.hostname);
    this.open.add(client);
    this.open.add(server);
    for (const [from, to] of [
      [client, server],
      [server, client],
    ] as const) {
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        this.open.delete(from);
        to.destroy();
      });
    }
    client.resume();
  }
}
