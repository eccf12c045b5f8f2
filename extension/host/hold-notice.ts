// The notification of a hold (core/view/hold-announcement.ts decides when): what is wrong, and the two
// things that fix it one click away.
import * as vscode from 'vscode';
import type { PipelineStatus } from '../core/pipeline';
import { HoldAnnouncement } from '../core/view/hold-announcement';

const SET_TOKEN = 'Set Ingest Token…';
const OPEN_SETTING = 'Open Endpoint Setting';

export function holdNotice(): (status: PipelineStatus | undefined) => void {
  const announcement = new HoldAnnouncement();
  return (status) => {
    const message = announcement.next(status);
    if (!message) { return; }
    void vscode.window.showWarningMessage(message, SET_TOKEN, OPEN_SETTING).then((pick) => {
      if (pick === SET_TOKEN) { void vscode.commands.executeCommand('candor.setIngestToken'); }
      if (pick === OPEN_SETTING) { void vscode.commands.executeCommand('workbench.action.openSettings', 'candor.endpoint'); }
    });
  };
}
