// Proof of ownership of PROTOCOL.md §5: the caller sends the installation's secret; the endpoint holds only
// its SHA-256 and compares in constant time.
import { isOwnerSecret, secretMatches } from '../../../protocol/owner-key';
import envelope from '../../../schemas/event/envelope.schema.json';
import { ProblemError } from '../http/problem';

const UUIDV4 = new RegExp(envelope.$defs.uuidv4.pattern);

export function checkInstallationId(id: string): string {
  if (!UUIDV4.test(id)) {
    throw new ProblemError(400, 'invalid_batch', `${JSON.stringify(id.slice(0, 64))} is not an installation id: expected a lower-case UUIDv4 such as 3f1c2b9e-8d7a-4e6f-b5c4-a3d2e1f0c9b8.`);
  }
  return id;
}

/** The secret from `Candor-Installation-Secret`, or 401 when it is missing. */
export function presentedSecret(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') {
    throw new ProblemError(401, 'unauthorized', 'Send the installation\'s owner secret in Candor-Installation-Secret to export or delete its data.');
  }
  return value.trim();
}

/** Whether the secret hashes to the held hash; a malformed secret simply does not. */
export function proves(secret: string, heldHash: string): boolean {
  return isOwnerSecret(secret) && secretMatches(secret, heldHash);
}

export function notFound(): ProblemError {
  return new ProblemError(404, 'not_found', 'This endpoint holds nothing for this installation.');
}

export function wrongSecret(): ProblemError {
  return new ProblemError(403, 'forbidden', 'The owner secret in Candor-Installation-Secret does not match this installation.');
}
