/**
 * The one zod type for every URL in the connectors file (vendor endpoints, the HTTP evidence
 * source, the OpenBao, GitHub, SCIM, Slack and AWS endpoints). Besides being an http(s) URL, it
 * must carry no credentials: `https://user:password@host/` or `https://token@host/` would put the
 * credential wherever the URL goes, and client libraries copy URLs into error messages, which
 * reach logs and run histories. The message says how to give the credential instead: by reference,
 * in the connector's own secret field.
 *
 * The loader applies the same rule to every value of the file before the schema runs (a URL pasted
 * into a secret's `file:` or a name would otherwise be quoted by later messages), with the advice
 * of the connector whose section holds the field (connectors/catalogue.ts); the type keeps the rule for configuration built by code.
 */
import { z } from 'zod';
import { hasUrlCredentials, urlCredentialsRefusal } from '../common/url-credentials';
import { NAMES_FIELD } from './yaml-config-file';

const BY_REFERENCE = '{ env: VARIABLE } or { file: /path/to/secret }';

/** How each kind of connector takes its credential, for the refusal message. */
export const CREDENTIAL_ADVICE = {
  aws: `give AWS credentials as access_key_id and secret_access_key: ${BY_REFERENCE} (or omit both for the SDK's default credential chain)`,
  token: `give the token as token: ${BY_REFERENCE}`,
  bearerToken: `give the token as token: ${BY_REFERENCE} (it is sent as Authorization: Bearer)`,
  slack: `give the bot token as bot_token: ${BY_REFERENCE}`,
  vendor: `a vendor's API authenticates Quell's requests by their HMAC signature, whose key is hmac_secret: ${BY_REFERENCE}`,
  anywhere: `secrets are given by reference only, in the section's secret fields: ${BY_REFERENCE}`,
} as const;

/** An http(s) URL without userinfo; `advice` says where the credential goes instead. */
export function httpUrl(advice: string) {
  return z
    .string()
    .superRefine((text, ctx) => {
      if (!hasUrlCredentials(text)) return;
      ctx.addIssue({ code: 'custom', params: NAMES_FIELD, message: urlCredentialsRefusal(advice) });
    })
    .pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }));
}
