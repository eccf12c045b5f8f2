// The generated validators of the shapes an endpoint answers with, by `$id`, for `bodySchema`.
import type { ValidateFunction } from 'ajv';
import validateRollups from '../../generated/validators/daily-rollups.cjs';
import validateReceipt from '../../generated/validators/deletion-receipt.cjs';
import validateExport from '../../generated/validators/export.cjs';
import validateIngest from '../../generated/validators/ingest-response.cjs';
import validateProblem from '../../generated/validators/problem.cjs';

const BASE = 'https://candor.dev/schemas/v1/';

export const BODY_SCHEMAS: ReadonlyMap<string, ValidateFunction> = new Map<string, ValidateFunction>([
  [`${BASE}protocol/ingest-response.schema.json`, validateIngest],
  [`${BASE}protocol/problem.schema.json`, validateProblem],
  [`${BASE}protocol/export.schema.json`, validateExport],
  [`${BASE}protocol/deletion-receipt.schema.json`, validateReceipt],
  [`${BASE}admin/daily-rollups.schema.json`, validateRollups],
]);
