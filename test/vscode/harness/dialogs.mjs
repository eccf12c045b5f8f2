// The editor's own dialogs, answered in the workbench as a user answers them: the save dialog that
// `vscode.window.showSaveDialog` opens (in a browser workbench on a remote file system, VS Code's
// "simple" file dialog: a quick input that takes a path) and a modal message
// (`showWarningMessage(…, { modal: true }, …)`: a dialog box with one button per choice).

/**
 * Waits for the save dialog, types `filePath` (an absolute path on the editor's machine) and accepts it.
 * Returns the dialog's title, so a test can check which question it answered.
 */
export async function answerSaveDialog(page, filePath, { timeoutMs = 20_000 } = {}) {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  const title = (await widget.locator('.quick-input-title').textContent({ timeout: timeoutMs }).catch(() => '')) ?? '';
  // The dialog completes paths as one types, and ignores Enter while it is still listing the folder it
  // completed: accept only while it holds exactly our path, and again if it stayed open.
  const deadline = Date.now() + timeoutMs;
  // It opens empty and then puts its default path in; a path typed before that is overwritten in its
  // model though not always on screen, and the default is saved. So type only once its default has settled.
  for (let last = '', value = await input.inputValue(); !value || value !== last; last = value, value = await input.inputValue()) {
    if (Date.now() > deadline) { throw new Error('the save dialog never showed its default path'); }
    await new Promise((r) => setTimeout(r, 250));
  }
  await input.fill(filePath);
  for (;;) {
    const value = await input.inputValue();
    if (value !== filePath) {
      if (Date.now() > deadline) { throw new Error(`the save dialog holds ${JSON.stringify(value)}, not ${JSON.stringify(filePath)}`); }
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    await input.press('Enter');
    const closed = await widget.waitFor({ state: 'hidden', timeout: 2_000 }).then(() => true, () => false);
    if (closed) { break; }
    if (Date.now() > deadline) { throw new Error(`the save dialog stayed open holding ${JSON.stringify(await input.inputValue().catch(() => '?'))}`); }
  }
  return title.trim();
}

/**
 * Waits for a modal dialog, clicks its button labelled `label` and returns the dialog's message and
 * detail, so a test can check what the user was asked.
 */
export async function clickDialogButton(page, label, { timeoutMs = 20_000 } = {}) {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: timeoutMs }).catch(async (e) => {
    // Say what the workbench shows instead (a notification, another dialog), which is what a reader needs.
    const shown = await page.evaluate(() => [...document.querySelectorAll('[class*="dialog"], .notification-toast')]
      .filter((n) => n.getClientRects().length > 0).map((n) => `${n.className}: ${(n.textContent ?? '').slice(0, 120)}`)).catch(() => []);
    throw new Error(`no modal dialog appeared within ${timeoutMs} ms; visible instead: ${JSON.stringify(shown)} (${e.message.split('\n')[0]})`);
  });
  const text = (await dialog.locator('.dialog-message-text, .dialog-message-detail').allInnerTexts()).join('\n');
  const button = dialog.locator('.dialog-buttons .monaco-button').filter({ hasText: new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) });
  await button.first().click({ timeout: timeoutMs });
  await dialog.waitFor({ state: 'hidden', timeout: timeoutMs });
  return text;
}
