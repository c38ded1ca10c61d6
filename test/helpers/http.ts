// JSON over real HTTP for e2e specs: the status and the parsed body (null when empty, e.g. 204).
export interface JsonResponse<T = Record<string, any>> {
  status: number;
  body: T;
}

export async function callJson<T = Record<string, any>>(
  url: string,
  method: string,
  token: string | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const response = await fetch(url, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

export function expectErrorEnvelope(response: JsonResponse, status: number, error: string): void {
  expect(response).toEqual({ status, body: { error, message: expect.any(String), requestId: expect.any(String) } });
}

// A raw fetch Response that is the error envelope, its requestId the X-Request-Id header; returns the body.
export async function expectEnvelope(response: Response, status: number, error: string): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toEqual({ error, message: expect.any(String), requestId: expect.any(String) });
  expect(response.headers.get('x-request-id')).toBe(body.requestId);
  return body;
}
