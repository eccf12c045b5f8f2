// SHA-256 of the bytes as shown, computed here rather than taken from the extension: an approval names
// the digest of what the user saw, and the extension sends a batch only if its bytes still have it.
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
