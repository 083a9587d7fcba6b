/** Live connectors for notifications (Slack, email). (Being built: contributes nothing yet.) */
import type { LiveFamily } from '../live/contribution';

export const notifyFamily: LiveFamily = () => ({ connectors: [] });
