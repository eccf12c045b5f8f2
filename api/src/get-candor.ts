import * as vscode from 'vscode';
import { CANDOR_EXTENSION_ID, type CandorApi } from './types';

/** Candor's API, or undefined when Candor is not installed (then report nothing). */
export async function getCandor(): Promise<CandorApi | undefined> {
  const extension = vscode.extensions.getExtension<CandorApi>(CANDOR_EXTENSION_ID);
  if (!extension) { return undefined; }
  const api = extension.isActive ? extension.exports : await extension.activate();
  return api && api.apiVersion === 1 ? api : undefined;
}
