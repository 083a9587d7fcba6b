/**
 * The connectors file's `slack` section. The schema is called a section here because
 * `SlackSettings` (./client.ts) already names the loaded section, secrets resolved, that the Slack
 * app and the notify action use.
 */
import { z } from 'zod';
import { configText } from '../../config/config-text';
import { CREDENTIAL_ADVICE, httpUrl } from '../../config/http-url';
import { SecretRefSchema } from '../../config/secret';

const Name = configText();

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

export type SlackConfig = z.output<typeof SlackSection>;
