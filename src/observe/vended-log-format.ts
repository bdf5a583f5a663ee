// The file body of one standard logging (v2) delivery to S3, by the destination's outputFormat
// (CloudFront Developer Guide, "Configure standard logging (v2)", output formats):
// - json (the default when the destination names none): one JSON object per line, the chosen field
//   names as keys in the delivery's order, every value a string (`-` when empty, as in the other
//   formats);
// - w3c: the legacy log's `#Version: 1.0` and `#Fields:` header, then the values of each record
//   joined by the field delimiter;
// - plain and raw: the joined values without a header;
// - parquet: one STRING column per field, written by hyparquet-writer (loaded on the first parquet
//   file), not gzipped.
// The text formats are gzipped, as CloudFront's files are. The delimiter defaults to a tab; `\t`
// written as two characters also means a tab.
import { gzipSync } from "node:zlib";

export interface VendedFile {
  readonly body: Buffer;
  readonly extension: string;
  readonly contentType: string;
}

/** Builds the file of `rows` (each the values of `fields`, in order). */
export async function vendedLogFile(outputFormat: string | undefined, fields: readonly string[], delimiter: string | undefined, rows: readonly (readonly string[])[]): Promise<VendedFile> {
  const format = outputFormat ?? "json";
  if (format === "parquet") return { body: await parquetFile(fields, rows), extension: "parquet", contentType: "application/vnd.apache.parquet" };
  const sep = delimiter === undefined || delimiter === "" || delimiter === "\\t" ? "\t" : delimiter;
  let text: string;
  if (format === "json") {
    text = rows.map((values) => JSON.stringify(Object.fromEntries(fields.map((f, i) => [f, values[i] ?? "-"])))).join("\n");
  } else {
    text = rows.map((values) => values.join(sep)).join("\n");
    if (format === "w3c") text = `#Version: 1.0\n#Fields: ${fields.join(" ")}\n${text}`;
  }
  return { body: gzipSync(`${text}\n`), extension: "gz", contentType: "application/x-gzip" };
}

async function parquetFile(fields: readonly string[], rows: readonly (readonly string[])[]): Promise<Buffer> {
  const { parquetWriteBuffer } = await import("hyparquet-writer");
  const columnData = fields.map((name, i) => ({ name, type: "STRING" as const, data: rows.map((values) => values[i] ?? "-") }));
  return Buffer.from(parquetWriteBuffer({ columnData }));
}
