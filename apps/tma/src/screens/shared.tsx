import type { Message, SupportClient } from '@support-bff/sdk';
import { useRef, useState } from 'preact/hooks';
import type { Navigation } from '../app';
import type { LiveEvents } from '../live';
import { haptics } from '../telegram';

export interface ScreenProps {
  client: SupportClient;
  live: LiveEvents;
  navigation: Navigation;
}

const time = (ms: number) => new Date(ms).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });

export function Messages({ messages }: { messages: Message[] }) {
  return (
    <ol class="messages" aria-label="Messages">
      {messages.map((message) => (
        <li key={message.id} class={`message ${message.author.type === 'user' ? 'mine' : 'theirs'}`}>
          <div class="meta">
            {message.author.type === 'user' ? 'You' : message.author.name} · <time>{time(message.createdAt)}</time>
          </div>
          {message.body && <p class="body">{message.body}</p>}
          {message.attachments.map((attachment) =>
            attachment.contentType.startsWith('image/') ? (
              <img key={attachment.url} class="attachment" src={attachment.url} alt={attachment.name} loading="lazy" />
            ) : (
              <a key={attachment.url} class="attachment" href={attachment.url} target="_blank" rel="noreferrer">
                {attachment.name}
              </a>
            ),
          )}
        </li>
      ))}
    </ol>
  );
}

// Adds messages that arrive live (or from the send itself) without duplicates, oldest first.
export function mergeMessages(current: Message[], incoming: Message[]): Message[] {
  const byId = new Map(current.map((message) => [message.id, message]));
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.createdAt - b.createdAt);
}

export interface Draft {
  body: string;
  attachmentIds: string[];
}

// Text box "Message", file input "Attach" (uploads at once, with progress), button "Send".
export function Composer({
  client,
  onSend,
  disabled,
}: {
  client: SupportClient;
  onSend: (draft: Draft) => Promise<void>;
  disabled?: boolean;
}) {
  const [body, setBody] = useState('');
  const [files, setFiles] = useState<{ id: string; name: string }[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const attach = async (event: Event) => {
    const chosen = [...((event.currentTarget as HTMLInputElement).files ?? [])];
    if (chosen.length === 0) return;
    setError(null);
    setProgress(0);
    try {
      const uploaded = await client.files.upload(chosen, { onProgress: ({ loaded, total }) => setProgress(total ? loaded / total : 0) });
      setFiles((current) => [...current, ...uploaded.map((file) => ({ id: file.id, name: file.name }))]);
    } catch (caught) {
      setError((caught as Error).message);
      haptics.error();
    } finally {
      setProgress(null);
      if (input.current) input.current.value = '';
    }
  };

  const send = async (event: Event) => {
    event.preventDefault();
    if (!body.trim() && files.length === 0) return;
    setSending(true);
    setError(null);
    haptics.tap();
    try {
      await onSend({ body: body.trim() || files.map((file) => file.name).join(', '), attachmentIds: files.map((file) => file.id) });
      setBody('');
      setFiles([]);
    } catch (caught) {
      setError((caught as Error).message);
      haptics.error();
    } finally {
      setSending(false);
    }
  };

  return (
    <form class="composer" onSubmit={send}>
      {files.length > 0 && (
        <ul class="chips" aria-label="Attachments">
          {files.map((file) => (
            <li key={file.id}>{file.name}</li>
          ))}
        </ul>
      )}
      {progress !== null && <progress aria-label="Upload progress" max={1} value={progress} />}
      {error && <p role="alert">{error}</p>}
      <div class="row">
        <label class="attach button secondary">
          Attach
          <input ref={input} class="visually-hidden" type="file" multiple onChange={attach} disabled={disabled} />
        </label>
        <textarea aria-label="Message" rows={1} value={body} onInput={(event) => setBody(event.currentTarget.value)} disabled={disabled} />
        <button type="submit" class="button" disabled={disabled || sending || progress !== null}>
          Send
        </button>
      </div>
    </form>
  );
}
