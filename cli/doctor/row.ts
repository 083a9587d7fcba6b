/** One row of `quell doctor`: a connector's probe, or a check of the approval policy or the Slack app. */
import type { ConnectorProbe } from '../../connectors/connector';

export interface DoctorRow extends ConnectorProbe {
  /** A connector id, or `approvers`, `slack-usergroups`, `slack-app`. */
  connector: string;
  /** One line about what was checked: endpoint, file… never a secret. */
  description: string;
}
