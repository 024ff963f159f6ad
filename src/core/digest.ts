// One way to fingerprint a text or the bytes of a file (a register, a shard): sha256, hex.
import { createHash } from 'node:crypto';

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}
