import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The message as sent after DATA: headers, a blank line, the body. */
  data: string;
}

/** A loopback SMTP server that speaks just enough SMTP for nodemailer and keeps what it is sent. */
export interface SmtpSink {
  url: string;
  mails: ReceivedMail[];
  /** While true, every MAIL FROM is refused (550). */
  refusing: boolean;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const sink: SmtpSink = { url: '', mails: [], refusing: false, close: async () => {} };
  const server: Server = createServer((socket) => {
    let buffered = '';
    let mail: ReceivedMail | undefined;
    let inData = false;
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 sink ESMTP');
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffered.indexOf('\r\n.\r\n');
          if (end === -1) return;
          if (mail) sink.mails.push({ ...mail, data: buffered.slice(0, end) });
          buffered = buffered.slice(end + 5);
          inData = false;
          reply('250 queued');
          continue;
        }
        const eol = buffered.indexOf('\r\n');
        if (eol === -1) return;
        const line = buffered.slice(0, eol);
        buffered = buffered.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') reply('250-sink\r\n250 8BITMIME');
        else if (verb === 'HELO' || verb === 'RSET' || verb === 'NOOP') reply('250 OK');
        else if (verb === 'MAIL') {
          if (sink.refusing) reply('550 refused by the sink');
          else {
            mail = { from: /<([^>]*)>/.exec(line)?.[1] ?? '', to: [], data: '' };
            reply('250 OK');
          }
        } else if (verb === 'RCPT') {
          mail?.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          reply('250 OK');
        } else if (verb === 'DATA') {
          inData = true;
          reply('354 go ahead');
        } else if (verb === 'QUIT') {
          reply('221 bye');
          socket.end();
          return;
        } else reply('502 not implemented');
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.url = `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sink.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
    });
  return sink;
}
