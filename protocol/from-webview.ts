// What the panel posts to the extension, checked before the extension acts on any of it.
import validateFromWebview from '../generated/validators/from-webview.cjs';
import type { FromWebviewMessage } from '../generated/types';
import { type Checked, MAX_FROM_WEBVIEW_SIZE, checkMessage } from './webview-messages';

export function checkFromWebview(data: unknown): Checked<FromWebviewMessage> {
  return checkMessage<FromWebviewMessage>(validateFromWebview, data, MAX_FROM_WEBVIEW_SIZE);
}
