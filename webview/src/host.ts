// The panel's one door to the editor: acquireVsCodeApi is called here and nowhere else. Outgoing messages
// are checked against the from-webview schema before they leave, so a bug here is caught here rather
// than refused on the other side; incoming messages are handed on unread, to be checked by the app.
import type { FromWebviewMessage } from '../../generated/types';
import { checkFromWebview } from '../../protocol/from-webview';
import { refusalLine } from '../../protocol/webview-messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): unknown;
}
declare function acquireVsCodeApi(): VsCodeApi;

export interface Host {
  post(message: FromWebviewMessage): boolean;
  onMessage(listener: (data: unknown) => void): void;
  /** What the panel saved before it was hidden (VS Code keeps it while the panel lives). */
  savedState(): unknown;
  saveState(state: unknown): void;
}

export function connectHost(): Host {
  const api = acquireVsCodeApi();
  return {
    post(message) {
      const checked = checkFromWebview(message);
      if (!checked.ok) { console.error(refusalLine('this panel (not sent)', checked)); return false; }
      api.postMessage(message);
      return true;
    },
    onMessage(listener) { window.addEventListener('message', (e: MessageEvent) => listener(e.data)); },
    savedState: () => api.getState(),
    saveState: (state) => { api.setState(state); },
  };
}
