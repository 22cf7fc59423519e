// E-mail through nodemailer: plain text, one message per delivery, with time limits on every
// step of the SMTP conversation. The password comes from the daemon's secret file and is never
// logged (nodemailer's own logging stays off).
import os from 'node:os';
import type { Notification } from '../protocol/notify.js';
import { emailSubject, emailText } from './message.js';

export interface SmtpSettings {
  host: string;
  port: number;
  /** empty: gflow@<hostname> */
  from: string;
  user: string;
  password: string;
}

const LOCAL = new Set(['localhost', '127.0.0.1', '::1']);

export async function sendEmail(smtp: SmtpSettings, to: string, n: Notification, log: { path: string | null; tail: string | null }, timeoutMs: number): Promise<void> {
  // Loaded on the first e-mail: a daemon that sends none does not pay for it at start.
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    // 465 is SMTP over TLS; other ports upgrade with STARTTLS when the server offers it — except
    // a mail server on this machine, whose certificate is often self-signed and whose traffic
    // never leaves the host.
    secure: smtp.port === 465,
    ignoreTLS: LOCAL.has(smtp.host),
    auth: smtp.user ? { user: smtp.user, pass: smtp.password } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    logger: false,
    debug: false,
  });
  // Each step has its limit; the whole conversation has one too (a server may trickle).
  let timer: NodeJS.Timeout | undefined;
  const overall = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      transport.close();
      reject(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs * 2);
  });
  try {
    await Promise.race([overall, transport.sendMail({
      from: smtp.from || `gflow@${os.hostname()}`,
      to,
      subject: emailSubject(n),
      text: emailText(n, log.path, log.tail),
      headers: { 'X-Gflow-Delivery': n.delivery },
      messageId: `<${n.delivery}@gflow.${os.hostname()}>`,
    })]);
  } finally {
    clearTimeout(timer);
    transport.close();
  }
}
