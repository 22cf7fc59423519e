// Text from users (job names, commands, paths, request lines) shown on a terminal: control
// characters are written as visible escapes, so that none can retitle the terminal (ESC ] 0 ;),
// clear it (ESC [ 2 J), move the cursor or overwrite a line (\r) on root's screen.

// C0 but the newline, DEL, and C1 (which some terminals take as ESC + a letter).
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

/** `\x1b`, `\x0d`, `\x9b`… in place of each control character; a newline is kept. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
