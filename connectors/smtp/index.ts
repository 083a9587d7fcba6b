/**
 * An SMTP server Quell sends e-mail through: notifications with `channel: email`, and deletion
 * requests to vendors whose channel is e-mail. Takes no routed action; it plays a role in those two.
 */
import { defineConnector } from '../definition';
import { SmtpSettings } from './settings';

export const smtp = defineConnector({
  id: 'smtp',
  title: 'SMTP',
  settings: { path: ['smtp'], schema: SmtpSettings, secrets: ['password'] },
  roles: {
    'notify-channel': '`notify` with `channel: email`: one message to every `to` address, Message-ID derived from the step',
    'deletion-channel': 'deletion requests to vendors whose `channel` is `email` (cc as configured)',
  },
  live: () => import('./live'),
});
