/** Live connectors for OpenBao, GitHub and SCIM. (Being built: contributes nothing yet.) */
import type { LiveFamily } from '../live/contribution';

export const identityFamily: LiveFamily = () => ({ connectors: [] });
