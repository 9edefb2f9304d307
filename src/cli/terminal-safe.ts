// Text from outside (an app's log, another host's etcd record) printed to the
// operator's terminal: control characters (escape sequences) are made visible
// so the text cannot drive the terminal.

/** `text` with every control character but tab replaced by '?'. */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, '?');
}
