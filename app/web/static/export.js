// Exports of one result: JSON (the API's answer with the text it indexes) and CSV (one row
// per quotation). Offsets stay the API's code-point offsets, so text[start:end] in Python
// gives each quotation back.

export const CSV_COLUMNS = ["id", "speaker", "quote", "cue", "kind", "confidence", "start", "end"];

/** The API's answer with the analysed text first: its offsets mean nothing without it. */
export function toJson(text, result) {
  return JSON.stringify({ text, ...result }, null, 2) + "\n";
}

/**
 * RFC 4180 CSV: CRLF line ends, every field that holds a comma, a quotation mark or a line
 * break is quoted, marks doubled. A UTF-8 byte order mark leads, or Excel reads UTF-8 as
 * Windows-1252 and mangles every accent and curly quote.
 */
export function toCsv(result) {
  const rows = [CSV_COLUMNS];
  for (const quote of result.quotes) {
    rows.push([
      quote.id,
      quote.speaker ? quote.speaker.name : "",
      quote.text,
      quote.cue ? quote.cue.text : "",
      quote.kind,
      String(quote.confidence),
      String(quote.start),
      String(quote.end),
    ]);
  }
  return "\uFEFF" + rows.map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

function csvField(value) {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** `quotes-20190510-192600.csv`: local time, so a folder of exports sorts by when they were made. */
export function exportFileName(extension, date = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  const stamp =
    `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-` +
    `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
  return `quotes-${stamp}.${extension}`;
}

/** Hand `content` to the browser as a file download; nothing leaves the machine. */
export function download(fileName, content, mediaType) {
  const url = URL.createObjectURL(new Blob([content], { type: mediaType }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked on the next turn: the click has started the download by then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
