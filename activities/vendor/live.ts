/** Live connectors for vendor data-deletion requests. (Being built: contributes nothing yet.) */
import type { LiveFamily } from '../live/contribution';

export const vendorFamily: LiveFamily = () => ({ connectors: [] });
