import { SupportApiError, errorFromResponse, networkError } from './errors.js';
import type { Transport } from './transport.js';
import type { UploadedFile } from './types.js';

export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadOptions {
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

// The slice of XMLHttpRequest we use: browsers report upload progress only through it (fetch has
// no upload progress). Declared here so the SDK compiles without the DOM library too.
interface XhrLike {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  getResponseHeader(name: string): string | null;
  send(body: unknown): void;
  abort(): void;
  readonly status: number;
  readonly responseText: string;
  readonly upload: { onprogress: ((event: { loaded: number; total: number }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}
type XhrConstructor = new () => XhrLike;

const CHUNK_BYTES = 64 * 1024;

// POST /api/files/upload with `file` parts; the ids go into attachmentIds of a create or reply.
export async function uploadFiles(transport: Transport, files: readonly Blob[], options: UploadOptions = {}): Promise<UploadedFile[]> {
  const form = new FormData();
  for (const [index, file] of files.entries()) {
    form.append('file', file, (file as Blob & { name?: string }).name ?? `file-${index + 1}`);
  }
  const url = transport.url('/api/files/upload');
  const Xhr = (globalThis as { XMLHttpRequest?: XhrConstructor }).XMLHttpRequest;
  for (let renewed = false; ; renewed = true) {
    const token = await transport.sessions.token();
    const response = Xhr
      ? await sendWithXhr(Xhr, url, token, form, options)
      : await sendWithFetch(transport.fetchImpl, url, token, form, options);
    if (response.status === 401 && !renewed) {
      transport.sessions.invalidate(token);
      continue;
    }
    if (!response.ok) throw await errorFromResponse(response);
    return ((await response.json()) as { files: UploadedFile[] }).files;
  }
}

function sendWithXhr(Xhr: XhrConstructor, url: string, token: string, form: FormData, options: UploadOptions): Promise<Response> {
  return new Promise((resolve, reject) => {
    const xhr = new Xhr();
    xhr.open('POST', url);
    xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (event) => options.onProgress?.({ loaded: event.loaded, total: event.total });
    xhr.onload = () => {
      const headers = new Headers();
      for (const name of ['content-type', 'retry-after', 'x-request-id']) {
        const value = xhr.getResponseHeader(name);
        if (value !== null) headers.set(name, value);
      }
      resolve(new Response(xhr.status === 204 ? null : xhr.responseText, { status: xhr.status, headers }));
    };
    xhr.onerror = () => reject(networkError(new Error('upload failed')));
    xhr.onabort = () => reject(new SupportApiError(0, 'aborted', 'upload aborted', null, null));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

// Node and other fetch-only platforms: the encoded multipart body is streamed in chunks, counted as sent.
async function sendWithFetch(
  fetchImpl: typeof fetch,
  url: string,
  token: string,
  form: FormData,
  options: UploadOptions,
): Promise<Response> {
  const encoded = new Response(form);
  const contentType = encoded.headers.get('content-type') ?? 'multipart/form-data';
  const bytes = new Uint8Array(await encoded.arrayBuffer());
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      const chunk = bytes.subarray(offset, offset + CHUNK_BYTES);
      offset += chunk.length;
      controller.enqueue(chunk);
      options.onProgress?.({ loaded: offset, total: bytes.length });
    },
  });
  try {
    return await fetchImpl(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'content-type': contentType },
      body,
      signal: options.signal,
      duplex: 'half',
    } as RequestInit);
  } catch (error) {
    throw networkError(error);
  }
}
