import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Enum, Field, MapField, Namespace, Root, Service, Type, type ReflectionObject } from 'protobufjs';

/** Every .proto file under `root`, relative to it, in a stable order. */
export function protoFiles(root: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.proto') ? [relative(root, join(dir, e.name))] : [],
    );
  return walk(root).sort();
}

/** The contracts as protobufjs reads them: .proto names kept, `//` comments attached to what they precede or follow. */
export function loadContracts(protoRoot: string, files: string[]): Root {
  const root = new Root();
  root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : join(protoRoot, target));
  root.loadSync(files, { keepCase: true, alternateCommentMode: true });
  root.resolveAll();
  return root;
}

const anchor = (fullName: string) =>
  fullName
    .replace(/^\./, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '');
const cell = (text: string | null | undefined) =>
  (text ?? '')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
const paragraph = (text: string | null | undefined) => (text ? `${text.trim()}\n\n` : '');
const name = (o: ReflectionObject) => o.fullName.replace(/^\./, '');

/** A type as the contract spells it, linked when this reference documents it. */
function typeRef(resolved: Type | Enum | null, spelled: string): string {
  if (!resolved) return `\`${spelled}\``;
  const full = name(resolved);
  return full.startsWith('google.protobuf.') ? `\`${full}\`` : `[\`${full}\`](#${anchor(full)})`;
}

function fieldType(f: Field): string {
  if (f instanceof MapField) return `map<\`${f.keyType}\`, ${typeRef(f.resolvedType, f.type)}>`;
  const base = typeRef(f.resolvedType, f.type);
  if (f.repeated) return `repeated ${base}`;
  // proto3 `optional` is a synthetic one-field oneof named after the field.
  if (f.partOf && f.partOf.name === `_${f.name}`) return `optional ${base}`;
  return base;
}

function renderService(s: Service): string {
  const rows = s.methodsArray.map((m) => {
    m.resolve();
    const req = `${m.requestStream ? 'stream ' : ''}${typeRef(m.resolvedRequestType, m.requestType)}`;
    const res = `${m.responseStream ? 'stream ' : ''}${typeRef(m.resolvedResponseType, m.responseType)}`;
    return `| \`${m.name}\` | ${req} | ${res} | ${cell(m.comment)} |`;
  });
  return [
    `### Service \`${name(s)}\`\n\n`,
    paragraph(s.comment),
    '| RPC | Request | Response | Description |\n| --- | --- | --- | --- |\n',
    rows.join('\n'),
    '\n\n',
  ].join('');
}

function renderMessage(t: Type): string {
  const oneofs = t.oneofsArray.filter((o) => !(o.fieldsArray.length === 1 && o.name === `_${o.fieldsArray[0].name}`));
  const rows = t.fieldsArray.map((f) => {
    const oneof = f.partOf && oneofs.includes(f.partOf) ? ` (oneof \`${f.partOf.name}\`)` : '';
    return `| \`${f.name}\` | ${f.id} | ${fieldType(f)}${oneof} | ${cell(f.comment)} |`;
  });
  const table = rows.length
    ? `| Field | Number | Type | Description |\n| --- | --- | --- | --- |\n${rows.join('\n')}\n\n`
    : '_No fields._\n\n';
  return `#### \`${name(t)}\`\n\n${paragraph(t.comment)}${table}`;
}

function renderEnum(e: Enum): string {
  const rows = Object.entries(e.values).map(([key, number]) => `| \`${key}\` | ${number} | ${cell(e.comments[key])} |`);
  return `#### \`${name(e)}\` (enum)\n\n${paragraph(e.comment)}| Value | Number | Description |\n| --- | --- | --- |\n${rows.join('\n')}\n\n`;
}

/** Messages and enums of a namespace, nested ones after their parent, in declaration order. */
function typesOf(ns: Namespace): (Type | Enum)[] {
  return ns.nestedArray.flatMap((o) => {
    if (o instanceof Type) return [o, ...typesOf(o)];
    if (o instanceof Enum) return [o];
    return [];
  });
}

/** Packages that hold services or types of the given files, with what each declares there. */
function packagesOf(root: Root, files: Set<string>): Map<string, Namespace> {
  const out = new Map<string, Namespace>();
  const visit = (ns: Namespace) => {
    for (const o of ns.nestedArray) {
      if (o instanceof Service || o instanceof Type || o instanceof Enum) {
        if (o.filename && files.has(o.filename)) out.set(name(ns), ns);
      } else if (o instanceof Namespace) visit(o);
    }
  };
  visit(root);
  return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** proto/ as one Markdown document: per package its services (RPCs), messages (fields) and enums, with their comments. */
export function renderReference(protoRoot: string): string {
  const files = protoFiles(protoRoot);
  const root = loadContracts(protoRoot, files);
  const own = new Set(files.map((f) => join(protoRoot, f)));
  const fileOf = (o: ReflectionObject) => relative(protoRoot, o.filename ?? '');
  const packages = packagesOf(root, own);
  const out: string[] = [
    '# gRPC contracts reference\n\n',
    'Generated from `proto/` by `npm run docs:grpc` (`tools/grpc-reference`); `npm test` fails when it is out of date. ',
    'Every service also answers gRPC server reflection, so `grpcurl -plaintext <host:port> list` and ',
    "`grpcurl -plaintext -d '{...}' <host:port> <package.Service>/<Method>` work without a copy of `proto/`.\n\n",
    '## Packages\n\n',
    ...[...packages.keys()].map((p) => `- [\`${p}\`](#package-${anchor(p)})\n`),
    '\n',
  ];
  for (const [pkg, ns] of packages) {
    const declared = ns.nestedArray.filter((o) => o.filename && own.has(o.filename));
    const sources = [...new Set(declared.map(fileOf))].sort();
    out.push(`## Package \`${pkg}\`\n\n`, `Files: ${sources.map((f) => `\`proto/${f}\``).join(', ')}\n\n`);
    for (const s of declared.filter((o): o is Service => o instanceof Service)) out.push(renderService(s));
    const types = declared.flatMap((o) => (o instanceof Type ? [o, ...typesOf(o)] : o instanceof Enum ? [o] : []));
    const messages = types.filter((t): t is Type => t instanceof Type);
    const enums = types.filter((t): t is Enum => t instanceof Enum);
    if (messages.length) out.push('### Messages\n\n', ...messages.map(renderMessage));
    if (enums.length) out.push('### Enums\n\n', ...enums.map(renderEnum));
  }
  return `${out.join('').trimEnd()}\n`;
}
