/** The connectors file's `evidence.sources.http` section. */
import { z } from 'zod';
import { CREDENTIAL_ADVICE, httpUrl } from '../../config/http-url';
import { SecretRefSchema } from '../../config/secret';

export const HttpEvidenceSettings = z.strictObject({
  /** The endpoint GET asks; the step's context travels as query parameters. */
  url: httpUrl(CREDENTIAL_ADVICE.bearerToken),
  format: z.enum(['json', 'ndjson']).default('ndjson'),
  /** Sent as `Authorization: Bearer …`. */
  token: SecretRefSchema.optional(),
});

export type HttpEvidenceConfig = z.output<typeof HttpEvidenceSettings>;
