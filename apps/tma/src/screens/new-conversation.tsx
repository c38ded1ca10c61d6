import { Composer, type ScreenProps } from './shared';

export function NewConversation({ client, navigation }: ScreenProps) {
  return (
    <section class="screen thread">
      <h1>New conversation</h1>
      <p class="hint">Tell us what happened; you can attach screenshots.</p>
      <div class="spacer" />
      <Composer
        client={client}
        onSend={async (draft) => {
          const conversation = await client.conversations.create({ body: draft.body, attachmentIds: draft.attachmentIds });
          navigation.replace({ name: 'thread', id: conversation.id });
        }}
      />
    </section>
  );
}
