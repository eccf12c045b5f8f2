// DELETE /v1/installations/{id}: every event of the installation and its owner key hash, to its owner,
// with a receipt. The ownership check and the deletion are one transaction.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DeletionReceipt } from '../../../generated/types';
import { newEventId } from '../../../protocol/ids';
import { isoTime } from '../calendar';
import type { Storage } from '../storage/storage';
import { checkInstallationId, notFound, presentedSecret, proves, wrongSecret } from './ownership';

export function deleteHandler(storage: Storage) {
  return async function handleDelete(request: FastifyRequest<{ Params: { installationId: string } }>, reply: FastifyReply) {
    const installationId = checkInstallationId(request.params.installationId);
    const secret = presentedSecret(request.headers['candor-installation-secret']);
    const outcome = await storage.deleteInstallation(installationId, (held) => proves(secret, held));
    if (outcome.kind === 'not_found') { throw notFound(); }
    if (outcome.kind === 'forbidden') { throw wrongSecret(); }
    const now = Date.now();
    const receipt: DeletionReceipt = { receiptId: newEventId(now), installationId, deletedEvents: outcome.events, deletedAt: isoTime(now) };
    request.log.info({ reqId: request.id, deletedEvents: outcome.events }, 'installation deleted');
    return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(receipt));
  };
}
