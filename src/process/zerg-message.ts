// uWSGI's zerg message: the 10 ASCII bytes `uwsgi-zerg` (no NUL) and a native
// int32, the number of descriptors in the message's one SCM_RIGHTS control
// message. Real uWSGI zergs check only the magic; ours checks the count too.
import { endianness } from 'node:os';

const MAGIC = 'uwsgi-zerg';
/** the data bytes of every zerg message */
export const MESSAGE_BYTES = MAGIC.length + 4;

/** The 14 data bytes announcing `count` descriptors. */
export function zergMessage(count: number): Buffer {
  const message = Buffer.alloc(MESSAGE_BYTES);
  message.write(MAGIC, 0, 'latin1');
  if (endianness() === 'LE') message.writeInt32LE(count, MAGIC.length);
  else message.writeInt32BE(count, MAGIC.length);
  return message;
}

/** N from a zerg message, or null when the magic is wrong. */
export function parseZergMessage(message: Buffer): number | null {
  if (message.length !== MESSAGE_BYTES || message.toString('latin1', 0, MAGIC.length) !== MAGIC) return null;
  return endianness() === 'LE' ? message.readInt32LE(MAGIC.length) : message.readInt32BE(MAGIC.length);
}
