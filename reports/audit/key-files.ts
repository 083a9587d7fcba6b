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

/** The private key's PEM, or undefined when none is configured; SigningKeyError naming the file otherwise. */
export function signingKeyPem(files: AuditKeyFiles): string | undefined {
  return files.signingKeyFile ? readPrivateKeyFile(files.signingKeyFile) : undefined;
}

/** The public key to verify with: the configured one, else the signing key's public half. */
export function verifyingKeyPem(files: AuditKeyFiles): string | undefined {
  if (files.publicKeyFile) return readPublicKeyFile(files.publicKeyFile);
  const privatePem = signingKeyPem(files);
  return privatePem ? createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString() : undefined;
}
