/**
 * The Temporal CLI release Quell is tested against. Every install path pins it, and binaries found
 * under .tools/ are used only if they report it. v1.6 and later can no longer be `go install`ed,
 * so raising it means dropping (or replacing) the Go fallback.
 */
export const PINNED_TEMPORAL_CLI_VERSION = '1.5.1';
