import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';

export interface EmailMessage {
  to: string[];
  subject: string;
  text: string | undefined;
  html: string | undefined;
  /** Who asked for it: named in the log, and as the mail's Reply-To when they have an address. */
  requestedBy: { username: string; email: string | null };
}

/** The SMTP server did not take a message. */
export class MailNotSent extends Error {}

/**
 * Sends notify/email's messages: through the SMTP server of SMTP_URL, its transport made once at start, or,
 * with no SMTP_URL, by writing them to the log (and the caller records them in the asset's history).
 */
export class EmailNotifier {
  private constructor(
    private readonly transport: Transporter | undefined,
    private readonly from: string,
    private readonly log: Logger,
  ) {}

  /** nodemailer is loaded only when there is a server to send to: it would be a tenth of the heap otherwise. */
  static async open(smtpUrl: string | undefined, from: string, log: Logger): Promise<EmailNotifier> {
    if (!smtpUrl) return new EmailNotifier(undefined, from, log);
    const { default: nodemailer } = await import('nodemailer');
    return new EmailNotifier(nodemailer.createTransport(smtpUrl), from, log);
  }

  /** Whether mails go out by SMTP; otherwise they are only logged. */
  get delivers(): boolean {
    return this.transport !== undefined;
  }

  async send(message: EmailMessage): Promise<'sent' | 'logged'> {
    const { to, subject, text, html, requestedBy } = message;
    if (!this.transport) {
      this.log.info(
        { mail: { to, subject, text, html, requestedBy: requestedBy.username } },
        'notify/email (no SMTP_URL: logged, not sent)',
      );
      return 'logged';
    }
    try {
      await this.transport.sendMail({
        from: this.from,
        to,
        subject,
        text,
        html,
        ...(requestedBy.email ? { replyTo: requestedBy.email } : {}),
      });
    } catch (error) {
      // The server's answer may name hosts and accounts: the log keeps it, the caller hears only that it failed.
      this.log.error({ err: error, to, subject }, 'notify/email: the SMTP server did not take the message');
      throw new MailNotSent('The mail server did not accept the message');
    }
    this.log.info({ mail: { to, subject, requestedBy: requestedBy.username } }, 'notify/email sent');
    return 'sent';
  }

  close(): void {
    this.transport?.close();
  }
}
