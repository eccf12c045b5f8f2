// Reads the HTTP exchange files of schemas/vectors/http/.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { HTTPConformanceExchange } from '../../generated/types';

export interface ExchangeFile {
  name: string;
  exchange: HTTPConformanceExchange;
}

export function loadExchanges(directory: string): ExchangeFile[] {
  return readdirSync(directory).filter((f) => f.endsWith('.json')).sort().map((name) => ({
    name,
    exchange: JSON.parse(readFileSync(path.join(directory, name), 'utf8')) as HTTPConformanceExchange,
  }));
}
