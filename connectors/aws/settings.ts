/** The connectors file's `aws` section, shared by every AWS system. */
import { z } from 'zod';
import { configText } from '../../config/config-text';
import { CREDENTIAL_ADVICE, httpUrl } from '../../config/http-url';
import { SecretRefSchema } from '../../config/secret';

const Name = configText();

/** Shared AWS settings: IAM, EC2 security groups, S3 evidence, CloudWatch Logs, CloudTrail. */
export const AwsSection = z.strictObject({
  region: Name,
  /** Custom endpoint (e.g. a VPC endpoint, or moto/LocalStack in tests). */
  endpoint: httpUrl(CREDENTIAL_ADVICE.aws).optional(),
  /** Static credentials; omit both to use the SDK's default chain (instance role, SSO, env…). */
  access_key_id: SecretRefSchema.optional(),
  secret_access_key: SecretRefSchema.optional(),
  /** Security group swapped in by `egress.block` with `provider: aws-sg` when `target` is an instance. */
  quarantine_security_group: Name.optional(),
});

export type AwsConfig = z.output<typeof AwsSection>;
