import { badRequest } from './errors';
import type { Attachment, Store } from './store';

const MAX_URLS = 10;

function nameFrom(url: URL, disposition: string | null): string {
  const m = disposition && /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  if (m?.[1]) return decodeURIComponent(m[1]);
  const last = url.pathname.split('/').filter(Boolean).pop();
  return last ? decodeURIComponent(last) : 'attachment';
}

/**
 * Intercom downloads every `attachment_urls` entry and re-hosts the file; the emulator does the
 * same (a real GET), keeps the bytes in memory and serves them under /_emulator/files/.
 */
export async function fetchAttachments(
  store: Store,
  baseUrl: string,
  urls: unknown,
  { imagesOnly = false, timeoutMs = 10_000 }: { imagesOnly?: boolean; timeoutMs?: number } = {},
): Promise<Attachment[]> {
  if (urls === undefined) return [];
  if (!Array.isArray(urls) || urls.some((u) => typeof u !== 'string')) throw badRequest('attachment_urls must be an array of URLs');
  if (urls.length > MAX_URLS) throw badRequest(`attachment_urls can contain at most ${MAX_URLS} URLs`);
  const out: Attachment[] = [];
  for (const raw of urls as string[]) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw badRequest(`attachment_urls: ${raw} is not a valid URL`);
    }
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    } catch (e) {
      throw badRequest(`attachment_urls: could not download ${raw} (${(e as Error).message})`);
    }
    if (!res.ok) throw badRequest(`attachment_urls: could not download ${raw} (HTTP ${res.status})`);
    const bytes = Buffer.from(await res.arrayBuffer());
    const contentType = (res.headers.get('content-type') ?? 'application/octet-stream').split(';')[0].trim();
    if (imagesOnly && !contentType.startsWith('image/'))
      throw badRequest(`attachment_urls: ${raw} is not an image (${contentType}); only image URLs can be attached here`);
    const name = nameFrom(url, res.headers.get('content-disposition'));
    const id = store.nextId();
    store.files.set(id, { name, contentType, bytes });
    out.push({
      type: 'upload',
      name,
      url: `${baseUrl}/_emulator/files/${id}/${encodeURIComponent(name)}`,
      content_type: contentType,
      filesize: bytes.length,
    });
  }
  return out;
}
