/** The connectors file's `github` section. */
import { z } from 'zod';
import { configText } from '../../config/config-text';
import { CREDENTIAL_ADVICE, httpUrl } from '../../config/http-url';
import { SecretRefSchema } from '../../config/secret';

export const GithubSettings = z.strictObject({
  /** REST API base: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  api_url: httpUrl(CREDENTIAL_ADVICE.token).default('https://api.github.com'),
  token: SecretRefSchema,
  /** The organisation whose memberships `sessions.revoke` removes. */
  org: configText(),
});

export type GithubConfig = z.output<typeof GithubSettings>;
