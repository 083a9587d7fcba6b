/** The connectors file's `smtp` section. */
import { z } from 'zod';
import { configText } from '../../config/config-text';
import { SecretRefSchema } from '../../config/secret';

const Name = configText();

export const SmtpSettings = z.strictObject({
  host: Name,
  port: z.int().min(1).max(65535).default(587),
  /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. */
  secure: z.boolean().default(false),
  /** Refuse to send without STARTTLS (recommended outside loopback). */
  require_tls: z.boolean().default(false),
  from: Name,
  username: Name.optional(),
  password: SecretRefSchema.optional(),
});

export type SmtpConfig = z.output<typeof SmtpSettings>;
