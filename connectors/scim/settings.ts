/** The connectors file's `scim` section. */
import { z } from 'zod';
import { CREDENTIAL_ADVICE, httpUrl } from '../../config/http-url';
import { SecretRefSchema } from '../../config/secret';

export const ScimSettings = z.strictObject({
  /** SCIM 2.0 base URL (the one that has /Users and /Groups under it). */
  base_url: httpUrl(CREDENTIAL_ADVICE.token),
  token: SecretRefSchema,
  /** Also DELETE the user after deactivating, unless a step says otherwise. */
  delete_users: z.boolean().default(false),
});

export type ScimConfig = z.output<typeof ScimSettings>;
