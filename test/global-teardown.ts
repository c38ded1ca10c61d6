export default async function globalTeardown(): Promise<void> {
  const postgres = (globalThis as { __testPostgres?: { stop(): Promise<void> } }).__testPostgres;
  await postgres?.stop();
}
