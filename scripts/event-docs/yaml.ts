/**
 * Just enough YAML for a generated document (no YAML dependency for one file): block mappings and
 * sequences, strings double-quoted as JSON writes them (a JSON string is a YAML double-quoted
 * scalar), numbers, booleans and null. Keys that are not plain words are quoted the same way.
 * Prettier formats the result; its parser also refuses anything that is not YAML.
 */
export type YamlValue = string | number | boolean | null | readonly YamlValue[] | YamlMapping;
export interface YamlMapping {
  readonly [key: string]: YamlValue;
}

const PLAIN_KEY = /^[A-Za-z_$][\w.$-]*$/;

/** Words a YAML 1.1 reader takes for a boolean or null even as a key. */
const RESERVED_KEY = /^(?:y|n|yes|no|on|off|true|false|null)$/i;

const key = (name: string): string =>
  PLAIN_KEY.test(name) && !RESERVED_KEY.test(name) ? name : JSON.stringify(name);

function scalar(value: string | number | boolean | null): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

const isMapping = (value: YamlValue): value is YamlMapping =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The lines of a collection that is not empty, indented by `indent` spaces. */
function block(value: readonly YamlValue[] | YamlMapping, indent: number): string[] {
  const pad = " ".repeat(indent);
  if (Array.isArray(value)) {
    return (value as readonly YamlValue[]).flatMap((item) => {
      const [first = "", ...rest] = nested(item, indent + 2);
      return [`${pad}- ${first.trimStart()}`, ...rest];
    });
  }
  return Object.entries(value).flatMap(([name, item]) => {
    const lines = nested(item, indent + 2);
    return isInline(item) ? [`${pad}${key(name)}: ${lines[0]!}`] : [`${pad}${key(name)}:`, ...lines];
  });
}

/** A scalar or an empty collection stays on its key's line. */
function isInline(value: YamlValue): boolean {
  if (Array.isArray(value)) return value.length === 0;
  return !isMapping(value) || Object.keys(value).length === 0;
}

function nested(value: YamlValue, indent: number): string[] {
  if (Array.isArray(value)) return value.length === 0 ? ["[]"] : block(value, indent);
  if (isMapping(value)) return Object.keys(value).length === 0 ? ["{}"] : block(value, indent);
  return [scalar(value as string | number | boolean | null)];
}

/** A YAML document for a mapping, ending with a newline. */
export function toYaml(document: YamlMapping): string {
  return `${block(document, 0).join("\n")}\n`;
}
