/** The connectors file's `openbao` section. */
import { z } from 'zod';
import { configText } from '../../config/config-text';
import { CREDENTIAL_ADVICE, httpUrl } from '../../config/http-url';
import { SecretRefSchema } from '../../config/secret';

export const OpenBaoSettings = z.strictObject({
  /** The server's base URL; the API lives under `/v1` there. */
  address: httpUrl(CREDENTIAL_ADVICE.token),
  token: SecretRefSchema,
  /** Sent as X-Vault-Namespace on every request (OpenBao namespaces). */
  namespace: configText().optional(),
});

export type OpenBaoConfig = z.output<typeof OpenBaoSettings>;
