/** A run's Slack presence: the activities the workflow's publisher calls, and how a worker builds them. */
export { createSlackSurfaceActivities, type SlackMessageRef } from './activities';
export { buildSlackSurface, slackSurfaceLogPath, type SlackSurface } from './surface';
