/**
 * The connectors file (QUELL_CONNECTORS_FILE): which outside systems this deployment may act on,
 * where they are, and *where* their secrets live (`{ env: NAME }` / `{ file: PATH }`), never the
 * secrets themselves. Every section is optional; an absent section means "not configured", and a
 * live run that needs it is refused before its first step.
 */
import { z } from 'zod';
import { configText } from '../config-text';
import type { EntryLimit } from '../yaml-config-file';
import { CREDENTIAL_ADVICE, httpUrl } from './http-url';
import { SecretRefSchema } from './secret';

const Name = configText();

/** Shared AWS settings: IAM, EC2 security groups, S3 evidence, CloudWatch Logs, CloudTrail. */
export const AwsSection = z.strictObject({
  region: Name,
  /** Custom endpoint (e.g. a VPC endpoint, or moto/LocalStack in tests). */
  endpoint: httpUrl(CREDENTIAL_ADVICE.aws).optional(),
  /** Static credentials; omit both to use the SDK's default chain (instance role, SSO, env…). */
  access_key_id: SecretRefSchema.optional(),
  secret_access_key: SecretRefSchema.optional(),
  /** Security group swapped in by `egress.block` with provider aws-sg when `target` is an instance. */
  quarantine_security_group: Name.optional(),
});

export const NftablesSection = z.strictObject({
  /** The table Quell owns (created on demand, family inet); other tables are never touched. */
  table: z.string().regex(/^[a-z][a-z0-9_]*$/, { message: 'must be a lowercase nftables identifier' }).default('quell'),
  /** Run nft inside this network namespace (`ip netns exec`); omit for the host's namespace. */
  netns: Name.optional(),
  /** Path to the nft binary (default: `nft` on PATH). */
  nft_path: Name.optional(),
});

export const OpenBaoSection = z.strictObject({
  address: httpUrl(CREDENTIAL_ADVICE.token),
  token: SecretRefSchema,
  namespace: Name.optional(),
});

export const GithubSection = z.strictObject({
  /** REST API base: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  api_url: httpUrl(CREDENTIAL_ADVICE.token).default('https://api.github.com'),
  token: SecretRefSchema,
  org: Name,
});

export const ScimSection = z.strictObject({
  /** SCIM 2.0 base URL (the one that has /Users and /Groups under it). */
  base_url: httpUrl(CREDENTIAL_ADVICE.token),
  token: SecretRefSchema,
  /** Also DELETE the user after deactivating, unless a step says otherwise. */
  delete_users: z.boolean().default(false),
});

export const SmtpSection = z.strictObject({
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

export const SlackSection = z.strictObject({
  bot_token: SecretRefSchema,
  /** Channel id where `notify` posts unless a step names `to`. */
  channel: Name,
  /** Web API base, e.g. https://slack.com/api/ (tests point it at a local fake). */
  api_url: httpUrl(CREDENTIAL_ADVICE.slack).optional(),
  /**
   * The Slack app (slash command, buttons, modals, App Home) runs inside `npm start` when one of
   * these is set. The signing secret verifies HTTP requests from Slack; an app-level token
   * (`xapp-…`, scope connections:write) switches to Socket Mode, where no public URL is needed.
   */
  signing_secret: SecretRefSchema.optional(),
  app_token: SecretRefSchema.optional(),
  /**
   * Where the HTTP receiver listens (default 127.0.0.1:3000; put a TLS-terminating proxy in
   * front). Port 0 picks a free port. Optional fields, not defaults: code that builds this section
   * by hand (tests, the CLI) need not know about the app.
   */
  listen: z
    .strictObject({
      host: Name.optional(),
      port: z.int({ message: 'must be a port number' }).min(0, { message: 'must be between 0 and 65535' }).max(65535, { message: 'must be between 0 and 65535' }).optional(),
    })
    .optional(),
});

export const EvidenceSection = z.strictObject({
  stores: z
    .strictObject({
      's3-object-lock': z
        .strictObject({
          bucket: Name,
          /** COMPLIANCE: nobody, root included, can shorten or remove the retention. */
          mode: z.enum(['COMPLIANCE', 'GOVERNANCE']).default('COMPLIANCE'),
          retention_days: z.int().min(1).max(36500).default(365),
          prefix: z.string().default('quell-evidence/'),
        })
        .optional(),
      local: z.strictObject({ dir: Name }).optional(),
    })
    .default({}),
  sources: z
    .strictObject({
      'cloudwatch-logs': z.strictObject({ log_groups: z.array(Name).min(1) }).optional(),
      cloudtrail: z.strictObject({}).optional(),
      /** Files and globs (`**` allowed) the `file` source may read; paths outside are refused. */
      file: z.strictObject({ paths: z.array(Name).min(1) }).optional(),
      http: z
        .strictObject({
          url: httpUrl(CREDENTIAL_ADVICE.bearerToken),
          format: z.enum(['json', 'ndjson']).default('ndjson'),
          token: SecretRefSchema.optional(),
        })
        .optional(),
    })
    .default({}),
  /** Store used when a step names none. */
  default_store: z.enum(['s3-object-lock', 'local']).optional(),
});

export const VendorEntry = z.discriminatedUnion('channel', [
  z.strictObject({
    channel: z.literal('email'),
    name: Name,
    email: z.email({ message: 'must be an email address' }),
    cc: z.array(z.email()).optional(),
  }),
  z.strictObject({
    channel: z.literal('http'),
    name: Name,
    url: httpUrl(CREDENTIAL_ADVICE.vendor),
    /** Key for the HMAC-SHA256 signature of the body (header X-Quell-Signature). */
    hmac_secret: SecretRefSchema,
  }),
]);

export const AccessReportSection = z.strictObject({
  /** Systems asked for the person's remaining access, in report order. */
  systems: z.array(z.enum(['aws-iam', 'scim', 'github', 'openbao'])).min(1),
});

export const ConnectorsFileSchema = z.strictObject({
  version: z.literal(1, { message: 'must be 1 (the connectors file format version)' }),
  aws: AwsSection.optional(),
  nftables: NftablesSection.optional(),
  openbao: OpenBaoSection.optional(),
  github: GithubSection.optional(),
  scim: ScimSection.optional(),
  smtp: SmtpSection.optional(),
  slack: SlackSection.optional(),
  evidence: EvidenceSection.optional(),
  vendors: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, { message: 'vendor ids are lowercase kebab-case, at most 64 characters' }), VendorEntry).optional(),
  access_report: AccessReportSection.optional(),
});

/**
 * The collections of the file and their limit: each is refused at its first entry past it, before
 * the schema (whose work, and doctor's probes, grow with the number of entries) sees the file.
 */
export const CONNECTORS_ENTRY_LIMITS: readonly EntryLimit[] = [
  { path: ['vendors'], limit: 'connectorEntries' },
  { path: ['vendors', '*', 'cc'], limit: 'connectorEntries' },
  { path: ['evidence', 'sources', 'cloudwatch-logs', 'log_groups'], limit: 'connectorEntries' },
  { path: ['evidence', 'sources', 'file', 'paths'], limit: 'connectorEntries' },
  { path: ['access_report', 'systems'], limit: 'connectorEntries' },
];

export type ConnectorsFile = z.output<typeof ConnectorsFileSchema>;
export type AwsConfig = z.output<typeof AwsSection>;
export type NftablesConfig = z.output<typeof NftablesSection>;
export type OpenBaoConfig = z.output<typeof OpenBaoSection>;
export type GithubConfig = z.output<typeof GithubSection>;
export type ScimConfig = z.output<typeof ScimSection>;
export type SmtpConfig = z.output<typeof SmtpSection>;
export type SlackConfig = z.output<typeof SlackSection>;
export type EvidenceConfig = z.output<typeof EvidenceSection>;
export type VendorConfig = z.output<typeof VendorEntry>;
export type AccessReportConfig = z.output<typeof AccessReportSection>;
