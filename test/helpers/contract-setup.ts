import { recordResponse, takeViolations } from './contract-registry';

// Every spec's fetch goes through the contract check (test/helpers/contract.ts) for the BFFs that
// startTestApp registered; the Intercom emulator's deliveries to the BFF are checked as well.
// Mismatches fail the test they happened in, each naming the route and what does not match.
const originalFetch = globalThis.fetch;

globalThis.fetch = async function fetchCheckedAgainstContract(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await originalFetch(input, init);
  const requested = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  // After a followed redirect the response is another server's (S3's presigned URL).
  const url = new URL(response.url || requested);
  await recordResponse(method, url, response);
  return response;
};

afterEach(() => {
  const found = takeViolations();
  if (found.length === 0) return;
  throw new Error(`Responses that do not match the OpenAPI document the server serves:\n  ${found.join('\n  ')}`);
});
