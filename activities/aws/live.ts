/** Live connectors for AWS (IAM credentials and sessions, security-group egress). (Being built: contributes nothing yet.) */
import type { LiveFamily } from '../live/contribution';

export const awsFamily: LiveFamily = () => ({ connectors: [] });
