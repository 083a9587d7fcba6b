/**
 * Where the dossier signing keys are: `QUELL_AUDIT_SIGNING_KEY` names the Ed25519 private key file
 * (`quell audit keygen` writes it, mode 0600) that signs exports and archives;
 * `QUELL_AUDIT_PUBLIC_KEY` the public key verification trusts. Without a public key, verification
 * derives it from the signing key when that is configured (same machine, same deployment).
 */
import { createPublicKey } from 'node:crypto';
import { readPrivateKeyFile, readPublicKeyFile } from './signing';

export interface AuditKeyFiles {
  signingKeyFile?: string;
  publicKeyFile?: string;
}

export function auditKeyFiles(env: NodeJS.ProcessEnv): AuditKeyFiles {
  const signing = env.QUELL_AUDIT_SIGNING_KEY?.trim();
  const publicKey = env.QUELL_AUDIT_PUBLIC_KEY?.trim();
  return { ...(signing ? { signingKeyFile: signing } : {}), ...(publicKey ? { publicKeyFile: publicKey } : {}) };
}

export interface AuditKeys {
  privateKeyPem?: string;
  /** The configured public key, else the public half of the private key. */
  publicKeyPem?: string;
}

/** Reads the configured key files, each once; SigningKeyError naming the file when one is unusable. */
export function readAuditKeys(files: AuditKeyFiles): AuditKeys {
  const privateKeyPem = files.signingKeyFile ? readPrivateKeyFile(files.signingKeyFile) : undefined;
  const publicKeyPem = files.publicKeyFile
    ? readPublicKeyFile(files.publicKeyFile)
    : privateKeyPem
      ? createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString()
      : undefined;
  return { ...(privateKeyPem ? { privateKeyPem } : {}), ...(publicKeyPem ? { publicKeyPem } : {}) };
}
