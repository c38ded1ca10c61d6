// The one polling helper of the e2e specs: resolves with the probe's first value other than
// undefined, or fails after timeoutMs. For "nothing more happened" use a drain instead (e.g. the
// webhook worker's processNext until it claims nothing), never a fixed sleep.
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000, stepMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
