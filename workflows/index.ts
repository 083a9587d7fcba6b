/** What the worker bundles: every workflow type Quell registers. */
export { runRunbook } from './run-runbook';
export { runDrill } from './drill';
export { drillDebrief } from './drill-debrief';
export { auditArchive } from './audit-archive';
