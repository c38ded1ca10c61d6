/** Test-only fault injection, matched per request on method + path (prefix or regex). */
export interface FaultSpec {
  method?: string; // default: any
  path?: string; // prefix, e.g. "/conversations"
  pathRegex?: string; // alternative to `path`
  status?: number; // e.g. 500, 429, 503
  retryAfterSeconds?: number; // 429: X-RateLimit-Reset this many seconds ahead (no Retry-After, as Intercom)
  latencyMs?: number; // delay before answering (normally or with `status`)
  hang?: boolean; // never answer until the fault is cleared (then answer normally)
  count?: number; // apply to the next N matching requests only
  body?: unknown; // custom error body
}

export interface Fault extends FaultSpec {
  id: string;
  hits: number;
}

interface Hang {
  faultId: string;
  release: () => void;
}

export class Faults {
  private list: Fault[] = [];
  private hangs: Hang[] = [];
  private seq = 0;

  add(spec: FaultSpec): Fault {
    if (!spec.path && !spec.pathRegex) throw new Error('a fault needs path or pathRegex');
    if (spec.pathRegex) new RegExp(spec.pathRegex); // throws on a bad pattern
    const f: Fault = { ...spec, method: spec.method?.toUpperCase(), id: `fault_${++this.seq}`, hits: 0 };
    this.list.push(f);
    return f;
  }

  all(): Fault[] {
    return this.list.map((f) => ({ ...f }));
  }

  /** Removes one fault (or all) and lets its hung requests go on. */
  clear(id?: string): void {
    this.list = id ? this.list.filter((f) => f.id !== id) : [];
    const [released, kept] = [this.hangs.filter((h) => !id || h.faultId === id), this.hangs.filter((h) => id && h.faultId !== id)];
    this.hangs = kept;
    for (const h of released) h.release();
  }

  /** Finds the first active fault for a request and consumes one use of it. */
  take(method: string, path: string): Fault | undefined {
    const f = this.list.find(
      (x) => (!x.method || x.method === method) && (x.pathRegex ? new RegExp(x.pathRegex).test(path) : path.startsWith(x.path!)),
    );
    if (!f) return undefined;
    f.hits++;
    if (f.count !== undefined && f.hits >= f.count) this.list = this.list.filter((x) => x !== f);
    return { ...f };
  }

  hang(faultId: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const h: Hang = { faultId, release: resolve };
      this.hangs.push(h);
      signal.addEventListener('abort', () => {
        this.hangs = this.hangs.filter((x) => x !== h);
        resolve();
      });
    });
  }

  hanging(): number {
    return this.hangs.length;
  }
}
