// A real SMTP server in the test process (smtp-server) that keeps every mail it receives, with
// its headers and decoded text and HTML parts; `refuse` may answer a recipient with a reply code.
// slowSmtp: one that takes its time, for killing a sender in the middle of a mail.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received {
  to: string;
  headers: Record<string, string>;
  text: string;
  html: string;
}

/** Headers (unfolded, lower-case names) and the decoded text and HTML parts of a raw message. */
export function parseMail(raw: string): Omit<Received, 'to'> {
  const [head, ...rest] = raw.split(/\r\n\r\n/);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const body = rest.join('\r\n\r\n');
  const boundary = /boundary="?([^";]+)"?/.exec(headers['content-type'] ?? '')?.[1] ?? '';
  const part = (type: string) => {
    const p = body.split(`--${boundary}`).find((x) => x.includes(`Content-Type: ${type}`)) ?? '';
    const [ph, ...pb] = p.split(/\r\n\r\n/);
    const content = pb.join('\r\n\r\n').replace(/\r\n$/, '');
    if (/quoted-printable/i.test(ph)) {
      const bytes = content.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => `%${h}`);
      return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/g, '%25'));
    }
    if (/base64/i.test(ph)) return Buffer.from(content, 'base64').toString('utf8');
    return content;
  };
  return { headers, text: part('text/plain'), html: part('text/html') };
}

/** A real SMTP server: `refuse(to, attempt)` may answer a recipient with a reply code. */
export async function smtp(refuse: (to: string, attempt: number) => number | undefined = () => undefined) {
  const received: Received[] = [];
  const attempts = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, cb) {
      const n = (attempts.get(address.address) ?? 0) + 1;
      attempts.set(address.address, n);
      const code = refuse(address.address, n);
      if (code) return cb(Object.assign(new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later'), { responseCode: code }));
      cb();
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString('utf8')));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo[0].address, ...parseMail(raw) });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { received, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A slow SMTP server: 60 ms per recipient, 250 ms before it acknowledges a message it has read in full. */
export async function slowSmtp() {
  const received = new Map<string, number>();
  let atRcpt = 0; // recipients being answered
  let unacknowledged = 0; // messages read in full, reply not yet sent
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, cb) {
      atRcpt++;
      setTimeout(() => {
        atRcpt--;
        cb();
      }, 60);
    },
    onData(stream, session, cb) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        // The whole message is here: a real server would deliver it, acknowledged or not.
        const to = session.envelope.rcptTo[0].address;
        received.set(to, (received.get(to) ?? 0) + 1);
        unacknowledged++;
        setTimeout(() => {
          unacknowledged--;
          cb();
        }, 250);
      });
    },
  });
  server.on('error', () => undefined); // a client killed mid-session
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    total: () => [...received.values()].reduce((a, b) => a + b, 0),
    atRcpt: () => atRcpt,
    unacknowledged: () => unacknowledged,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
