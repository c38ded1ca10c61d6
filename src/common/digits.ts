// 1 to maxLength ASCII digits. A character loop rather than a regular expression: the poll checks
// two values this way on every request, and the expression showed in its CPU profile.
export function isDigits(text: string, maxLength: number): boolean {
  if (text.length === 0 || text.length > maxLength) return false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return false;
  }
  return true;
}
