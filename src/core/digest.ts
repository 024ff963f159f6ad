// One way to fingerprint a text (a register, a shard): sha256, hex.
import { createHash } from 'node:crypto';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
