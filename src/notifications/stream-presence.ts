import { Injectable } from '@nestjs/common';

// Whether a user has a live event stream open (PUSH_SUPPRESS_WHILE_STREAMING). Until the realtime
// hub exists nobody streams.
@Injectable()
export class StreamPresence {
  isStreaming(userId: string): Promise<boolean> {
    void userId;
    return Promise.resolve(false);
  }
}
