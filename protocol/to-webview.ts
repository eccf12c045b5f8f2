// What the extension posts to the panel, checked by the panel before it shows any of it.
import validateToWebview from '../generated/validators/to-webview.cjs';
import type { ToWebviewMessage } from '../generated/types';
import { type Checked, MAX_TO_WEBVIEW_SIZE, checkMessage } from './webview-messages';

export function checkToWebview(data: unknown): Checked<ToWebviewMessage> {
  return checkMessage<ToWebviewMessage>(validateToWebview, data, MAX_TO_WEBVIEW_SIZE);
}
