/** Live connectors for evidence collection with chain of custody. (Being built: contributes nothing yet.) */
import type { LiveFamily } from '../live/contribution';

export const evidenceFamily: LiveFamily = () => ({ connectors: [] });
