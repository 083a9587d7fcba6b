/** Live connectors for nftables egress blocking. (Being built: contributes nothing yet.) */
import type { LiveFamily } from '../../live/contribution';

export const nftablesFamily: LiveFamily = () => ({ connectors: [] });
