// Sends the weekly report by SMTP or Amazon SES. Sending is the last step: the reports
// are already on disk, so a failed send loses nothing and exits 4 with the reason
// (server and cause, never the password).
// The mail libraries load only when a report is sent: most runs never send one.
import type { EmailContent } from '../../reports/email.js';
import type { EmailConfig } from '../core/config.js';
import { redact, registerSecret } from '../core/redact.js';

export interface Attachment {
  filename: string;
  content: string;
  contentType: string;
}

/** A report that could go with the message, and its size in bytes. */
export interface AttachmentCandidate {
  filename: string;
  bytes: number;
}

/**
 * The candidates that go with the message, in the order given (most wanted first), each while the
 * ones before it leave room; the rest are too large and are named in the message instead. A mail
 * server refuses the whole message past its limit, and a large scan's reports are over 100 MB.
 */
export function fitAttachments<T extends AttachmentCandidate>(
  candidates: readonly T[],
  limitBytes: number,
): { attached: T[]; tooLarge: T[] } {
  const attached: T[] = [];
  const tooLarge: T[] = [];
  let room = limitBytes;
  for (const c of candidates) {
    if (c.bytes <= room) {
      attached.push(c);
      room -= c.bytes;
    } else tooLarge.push(c);
  }
  return { attached, tooLarge };
}

export interface SendOutcome {
  sent: boolean;
  /** Why nothing was sent on purpose ("when: critical" and no critical finding). */
  skipped?: string;
}

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
}

export interface SendOptions {
  /** Extra nodemailer transport options; tests use it to trust a local server's certificate. */
  transportOverrides?: Record<string, unknown>;
}

/** Whether this scan's outcome calls for a message under the config's `when`. */
export function shouldSend(
  when: EmailConfig['when'],
  summary: { critical: number; high: number; medium: number; low: number; info: number },
): boolean {
  if (when === 'always') return true;
  if (when === 'critical') return summary.critical > 0;
  return summary.critical + summary.high + summary.medium + summary.low + summary.info > 0;
}

export async function sendEmail(
  config: EmailConfig,
  content: EmailContent,
  attachments: readonly Attachment[],
  options: SendOptions = {},
): Promise<SendOutcome> {
  registerSecret(config.smtp?.pass);
  const { default: nodemailer } = await import('nodemailer');
  const ses = config.smtp ? undefined : await import('@aws-sdk/client-sesv2');
  const transport = config.smtp
    ? nodemailer.createTransport({
        host: config.smtp.host,
        port: config.smtp.port,
        secure: config.smtp.secure,
        requireTLS: config.smtp.requireTLS,
        ...(config.smtp.user ? { auth: { user: config.smtp.user, pass: config.smtp.pass ?? '' } } : {}),
        connectionTimeout: 15_000,
        greetingTimeout: 15_000,
        socketTimeout: 30_000,
        ...options.transportOverrides,
      })
    : nodemailer.createTransport({
        SES: {
          sesClient: new ses!.SESv2Client({ region: config.ses?.region }),
          SendEmailCommand: ses!.SendEmailCommand,
        },
        ...options.transportOverrides,
      });
  const server = config.smtp
    ? `SMTP server ${config.smtp.host}:${config.smtp.port}`
    : `Amazon SES in ${config.ses?.region}`;
  try {
    // Every byte that leaves by email is redacted here too, whatever rendered it.
    await transport.sendMail({
      from: config.from,
      to: config.to,
      ...(config.cc.length > 0 ? { cc: config.cc } : {}),
      subject: redact(content.subject),
      html: redact(content.html),
      text: redact(content.text),
      attachments: attachments.map((a) => ({
        filename: redact(a.filename),
        content: redact(a.content),
        contentType: a.contentType,
      })),
    });
    return { sent: true };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new DeliveryError(redact(`could not send the report through ${server}: ${reason}`));
  } finally {
    transport.close();
  }
}
