import { Contract } from './contract';

// The document each running test BFF serves, by origin (each app may run with its own limits).
const contracts = new Map<string, Contract>();
// Mismatches found since the last takeViolations() (the setup file fails the test with them).
const violations: string[] = [];

let checked = 0;

// How many responses were checked so far (lets a spec see that the check ran).
export function checkedCount(): number {
  return checked;
}

export function takeViolations(): string[] {
  return violations.splice(0);
}

export async function registerContract(origin: string): Promise<void> {
  const response = await fetch(`${origin}/docs/json`);
  if (!response.ok) throw new Error(`GET ${origin}/docs/json answered ${response.status}`);
  contracts.set(origin, new Contract((await response.json()) as Record<string, unknown>));
}

export function unregisterContract(origin: string): void {
  contracts.delete(origin);
}

export async function recordResponse(method: string, url: URL, response: Response): Promise<void> {
  violations.push(...(await checkResponse(method, url, response)));
}

async function checkResponse(method: string, url: URL, response: Response): Promise<string[]> {
  const contract = contracts.get(url.origin);
  if (!contract) return [];
  checked += 1;
  // An event stream never ends: its status and headers are checked, not its body.
  const streaming = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
  let body: Buffer | undefined;
  if (!streaming) {
    try {
      body = Buffer.from(await response.clone().arrayBuffer());
    } catch {
      return []; // the connection broke mid-body: the test sees that itself
    }
  }
  return contract.check({ method, url, status: response.status, headers: response.headers, body });
}
