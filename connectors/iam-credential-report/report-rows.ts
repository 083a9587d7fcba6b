/**
 * The rows of an IAM credential report (CSV, one line per user, `user` and `arn` first) that
 * concern one principal, named by user name or ARN. The header line is always kept so the copy
 * still reads as a credential report; line endings are kept as the report has them.
 *
 * Pure and free of the SDK: the source uses it on the report's bytes; tests can use it directly.
 */

/** The report narrowed to `principal`, and how many user rows it kept. */
export function rowsOfPrincipal(report: string, principal: string): { text: string; rows: number } {
  const lines = report.split('\n');
  const trailingNewline = lines.at(-1) === '';
  if (trailingNewline) lines.pop();
  const [header, ...rows] = lines;
  const kept = rows.filter((line) => {
    const [user, arn] = leadingFields(line.replace(/\r$/, ''), 2);
    return user === principal || arn === principal;
  });
  const text = [header ?? '', ...kept].join('\n') + (trailingNewline ? '\n' : '');
  return { text, rows: kept.length };
}

/** User rows in a whole report (every line after the header that is not empty). */
export function userRowCount(report: string): number {
  return report.split('\n').slice(1).filter((line) => line.replace(/\r$/, '') !== '').length;
}

/**
 * The first `count` fields of a CSV line. IAM user names may contain commas, so a field may be
 * quoted (`"a,b"`, with `""` for a quote inside).
 */
function leadingFields(line: string, count: number): string[] {
  const fields: string[] = [];
  let at = 0;
  while (fields.length < count && at <= line.length) {
    if (line[at] === '"') {
      let value = '';
      let cursor = at + 1;
      while (cursor < line.length) {
        if (line[cursor] === '"' && line[cursor + 1] === '"') {
          value += '"';
          cursor += 2;
        } else if (line[cursor] === '"') {
          cursor += 1;
          break;
        } else {
          value += line[cursor];
          cursor += 1;
        }
      }
      fields.push(value);
      at = line.indexOf(',', cursor) < 0 ? line.length + 1 : line.indexOf(',', cursor) + 1;
    } else {
      const comma = line.indexOf(',', at);
      fields.push(comma < 0 ? line.slice(at) : line.slice(at, comma));
      at = comma < 0 ? line.length + 1 : comma + 1;
    }
  }
  return fields;
}
